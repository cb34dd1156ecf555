import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IDLE_SPREAD_FRACTION, spreadIdleTimeoutMs } from '../../lib/offers/idle-spread';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { VisitorOffers } from '../../lib/offers/visitor-offers';

const IDLE = 30 * 60_000;
const SPREAD = IDLE * IDLE_SPREAD_FRACTION;

describe('spread idle timeouts', () => {
  it('is the same for the same visitor, every time', () => {
    expect(spreadIdleTimeoutMs('5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D', IDLE)).toBe(spreadIdleTimeoutMs('5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D', IDLE));
    // Pinned (FNV-1a 0x34f2321c and 0x1529cc18): a replaying workflow must compute what it did live.
    expect(spreadIdleTimeoutMs('5F2D9C1A-8E4B-4C3D-9A7B-1E2F3A4B5C6D', IDLE)).toBe(1_874_455);
    expect(spreadIdleTimeoutMs('ann', 10_000)).toBe(10_165);
  });

  it('never ends a visitor sooner than the idle timeout, nor later than the spread allows', () => {
    for (let i = 0; i < 2_000; i++) {
      const ms = spreadIdleTimeoutMs(randomUUID().toUpperCase(), IDLE);
      expect(ms).toBeGreaterThanOrEqual(IDLE);
      expect(ms).toBeLessThan(IDLE + SPREAD);
    }
  });

  it("spreads a burst of 3,000 visitors' completions evenly over the spread window", () => {
    const buckets = Array<number>(60).fill(0); // six-second buckets over six minutes
    for (let i = 0; i < 3_000; i++) buckets[Math.floor(((spreadIdleTimeoutMs(randomUUID().toUpperCase(), IDLE) - IDLE) / SPREAD) * buckets.length)]! += 1;
    // 50 a bucket on average (about 8 a second, where one fixed timeout made 3,000 at once).
    expect(Math.min(...buckets)).toBeGreaterThan(20);
    expect(Math.max(...buckets)).toBeLessThan(90);
  });

  it('spreads ids that differ in one character as well as random ones', () => {
    const values = new Set(Array.from({ length: 1_000 }, (_, i) => spreadIdleTimeoutMs(`visitor-${i}`, IDLE)));
    expect(values.size).toBeGreaterThan(990);
  });

  it("is what a visitor's workflow waits", () => {
    const visitor = new VisitorOffers({ userId: 'ann', rules: OFFER_RULES, idleTimeoutMs: 10_000 });
    expect(visitor.idleTimeoutMs).toBe(10_000);
    expect(visitor.spreadIdleTimeoutMs).toBe(spreadIdleTimeoutMs('ann', 10_000));
  });
});
