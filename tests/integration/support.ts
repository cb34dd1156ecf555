import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../lib/config';
import type { EnrichedClick } from '../../lib/schema';

// Test output shows warnings from Temporal workers, not their lifecycle chatter.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** The same configuration the workers use: the tests talk to the real local stack. */
export const config = loadConfig();

/** A name no other test run uses, so runs never see each other's topics, keys or workflows. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export { freePort } from '../free-port';

/** An enriched click of a scripted visitor, for tests that feed the detection topic directly. */
export function scriptedClick(click: Pick<EnrichedClick, 'clickId' | 'userId' | 'productId' | 'category' | 'gender' | 'age' | 'timestamp'>): EnrichedClick {
  return { ...click, ip: '10.0.0.1', userAgent: 'test', source: 'shop', title: click.productId, birthDate: null, country: 'NL', deviceType: 'Desktop' };
}
