/**
 * Visitors whose age or gender changes mid-sequence (a shared device, a corrected profile), through
 * the detection feed's filter and the visitor's state machine together, against the original
 * template's detection as its description (../shared/reference/original-template.md) states it,
 * written out plainly here, and against hand-worked offers.
 */
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { clicksByVisitor } from '../../lib/offers/feed-filter';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { VisitorClick } from '../../lib/offers/offer-state-machine';
import { VisitorOffers } from '../../lib/offers/visitor-offers';
import type { EnrichedClick, Gender } from '../../lib/schema';

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

type Who = { gender: Gender | 'U'; age: number | null };
const F30: Who = { gender: 'F', age: 30 };
const F50: Who = { gender: 'F', age: 50 };
const M40: Who = { gender: 'M', age: 40 };
const M50: Who = { gender: 'M', age: 50 };
const UNKNOWN: Who = { gender: 'U', age: null };

type Step = [who: Who, category: string, productId: string, minute?: number];

const clicksOf = (steps: Step[]): VisitorClick[] =>
  steps.map(([who, category, productId, minute = 0], i) => ({ clickId: `c${i}`, productId, category, timestamp: T0 + minute * MINUTE, ...who }));

/** The original's detection: every click of the visitor, one state per visitor. */
function originalOffers(clicks: VisitorClick[]): string[] {
  const offers: string[] = [];
  let state = 'init';
  let first = '';
  let last = '';
  let startedAt = 0;
  const inTarget = ({ gender, age }: Who) => age !== null && ((gender === 'M' && age >= 35 && age <= 45) || (gender === 'F' && age >= 25 && age <= 35));
  for (const c of clicks) {
    if (state !== 'init' && c.productId === last) continue;
    if (state !== 'init' && c.timestamp - startedAt > 30 * MINUTE) state = 'init';
    if (state === 'init' && c.category === 'clothing' && inTarget(c)) [state, first, startedAt] = ['clothes_visited', c.productId, c.timestamp];
    else if (state === 'clothes_visited' && c.category === 'shoes') state = 'shoes_visited';
    else if (state === 'clothes_visited' && c.category === 'clothing') state = 'clothes_visited';
    else if (state === 'shoes_visited' && c.category === 'clothing' && c.productId !== first) {
      state = 'init';
      if (c.gender === 'M') offers.push('offer1');
      if (c.gender === 'F') offers.push('offer2');
    } else if (state === 'shoes_visited' && c.category === 'clothing') state = 'clothes_visited';
    else state = 'init';
    last = c.productId;
  }
  return offers;
}

const message = (c: VisitorClick, offset: number): KafkaMessage =>
  ({
    key: null,
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: {},
    value: Buffer.from(JSON.stringify({ ...c, userId: 'v', ip: '', userAgent: '', source: 'replay', title: 't', birthDate: null, country: 'NL', deviceType: 'Desktop' } satisfies EnrichedClick)),
  }) as KafkaMessage;

/**
 * The feed and the workflow's class: batches of `batchSize` clicks, a plain signal only reaches a
 * workflow started before (as the feed's running-visitor check and Temporal see to).
 */
function pipelineOffers(clicks: VisitorClick[], batchSize: number): string[] {
  let workflow: VisitorOffers | null = null;
  const offers: string[] = [];
  for (let i = 0; i < clicks.length; i += batchSize) {
    const batch = clicks.slice(i, i + batchSize).map((c, j) => message(c, i + j));
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

describe('a visitor whose demographics change mid-sequence', () => {
  it.each<[string, Step[], string[]]>([
    ['a click outside the target resets the sequence it interrupts', [[F30, 'clothing', 'A'], [F50, 'books', 'K'], [F30, 'shoes', 'S'], [F30, 'clothing', 'B']], []],
    ['later steps check only what the rule names: the category', [[F30, 'clothing', 'A'], [F50, 'shoes', 'S'], [F50, 'clothing', 'B']], ['offer2']],
    ['the offer follows the gender of the click that completes it', [[M40, 'clothing', 'A'], [M40, 'shoes', 'S'], [F30, 'clothing', 'B']], ['offer2']],
    ['a completing click outside every target still sends its gender\'s offer', [[M40, 'clothing', 'A'], [F50, 'shoes', 'S'], [F50, 'clothing', 'B']], ['offer2']],
    ['an unknown visitor\'s click continues a sequence, and a known one completes it', [[F30, 'clothing', 'A'], [UNKNOWN, 'shoes', 'S'], [F30, 'clothing', 'B']], ['offer2']],
    ['back to the first product, then on to the offer, all outside the target', [[M40, 'clothing', 'A'], [M40, 'shoes', 'S'], [M50, 'clothing', 'A'], [M50, 'shoes', 'T'], [M50, 'clothing', 'B']], ['offer1']],
  ])('%s', (_name, steps, expected) => {
    const clicks = clicksOf(steps);
    expect(originalOffers(clicks)).toEqual(expected);
    expect(pipelineOffers(clicks, 1)).toEqual(expected);
    expect(pipelineOffers(clicks, clicks.length)).toEqual(expected);
  });

  it('starts no sequence outside the target, and an expired window cannot be continued from outside it', () => {
    const clicks = clicksOf([[M40, 'clothing', 'A'], [M50, 'shoes', 'S', 31], [M50, 'clothing', 'B', 32], [M40, 'shoes', 'T', 33], [M40, 'clothing', 'C', 34]]);
    expect(originalOffers(clicks)).toEqual([]);
    expect(pipelineOffers(clicks, 1)).toEqual([]);
  });

  it('sends no offer when the completing click\'s gender is unknown', () => {
    const clicks = clicksOf([[F30, 'clothing', 'A'], [F30, 'shoes', 'S'], [UNKNOWN, 'clothing', 'B']]);
    expect(originalOffers(clicks)).toEqual([]);
    expect(pipelineOffers(clicks, 1)).toEqual([]);
  });
});
