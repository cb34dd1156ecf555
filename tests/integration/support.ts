import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../lib/config';

// Test output shows warnings from Temporal workers, not their lifecycle chatter.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** The same configuration the workers use: the tests talk to the real local stack. */
export const config = loadConfig();

/** A name no other test run uses, so runs never see each other's topics, keys or workflows. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A TCP port free on 127.0.0.1 right now, for a private server of a test. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
