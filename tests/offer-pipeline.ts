/**
 * One visitor's clicks through the detection feed's filter and the visitor workflow's class
 * together, as the unit tests put them beside the original's detection (tests/original-detection.ts).
 */
import type { KafkaMessage } from 'kafkajs';
import { clicksByVisitor } from '../lib/offers/feed-filter';
import { OFFER_RULES } from '../lib/offers/offer-rules';
import type { VisitorClick } from '../lib/offers/offer-state-machine';
import { VisitorOffers } from '../lib/offers/visitor-offers';
import { BOT_DEVICE, type DeviceType, type EnrichedClick, type Gender } from '../lib/schema';

export const T0 = Date.UTC(2026, 0, 1, 12);
export const MINUTE = 60_000;

export type Who = { gender: Gender | 'U'; age: number | null };
export const F30: Who = { gender: 'F', age: 30 };
export const F50: Who = { gender: 'F', age: 50 };
export const M40: Who = { gender: 'M', age: 40 };
export const M50: Who = { gender: 'M', age: 50 };
/** A visitor who did not say their gender or age. */
export const UNKNOWN: Who = { gender: 'U', age: null };

/** A click: who, the category and product, and its minute after T0 (default 0), to the millisecond. */
export type Step = [who: Who, category: string, productId: string, minute?: number];

export const clicksOf = (steps: Step[]): VisitorClick[] =>
  steps.map(([who, category, productId, minute = 0], i) => ({ clickId: `c${i}`, productId, category, timestamp: T0 + Math.round(minute * MINUTE), ...who }));

const message = (c: VisitorClick, offset: number, deviceType: DeviceType): KafkaMessage =>
  ({
    key: null,
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: {},
    value: Buffer.from(
      JSON.stringify({
        ...c,
        userId: 'v',
        ip: '',
        userAgent: '',
        source: 'replay',
        title: 't',
        birthDate: null,
        country: 'NL',
        deviceType,
      } satisfies EnrichedClick),
    ),
  }) as KafkaMessage;

/**
 * The offers the feed and the workflow's class send for `clicks`, in batches of `batchSize`; a
 * plain signal only reaches a workflow started before (as the feed's running-visitor check and
 * Temporal see to). `botClickIds`: clicks whose user agent is a bot's.
 */
export function pipelineOffers(clicks: readonly VisitorClick[], batchSize: number, botClickIds: ReadonlySet<string> = new Set()): string[] {
  let workflow: VisitorOffers | null = null;
  const offers: string[] = [];
  for (let i = 0; i < clicks.length; i += batchSize) {
    const batch = clicks.slice(i, i + batchSize).map((c, j) => message(c, i + j, botClickIds.has(c.clickId) ? BOT_DEVICE : 'Desktop'));
    const { byVisitor } = clicksByVisitor(batch, OFFER_RULES, () => workflow !== null);
    const forwarded = byVisitor.get('v');
    if (!forwarded) continue;
    if (forwarded.mayStart) workflow ??= new VisitorOffers({ userId: 'v', rules: OFFER_RULES, idleTimeoutMs: 30 * MINUTE });
    if (!workflow) continue;
    workflow.receive(forwarded.clicks);
    offers.push(...workflow.processPending().offers.map((o) => o.offerId));
  }
  return offers;
}
