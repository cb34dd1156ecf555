import { describe, expect, it } from 'vitest';
import { batchCommitted, offerIdentity, offerTransactionalId } from '../../lib/offers/offer-identity';
import type { Offer } from '../../lib/schema';

const offer = (userId: string, clickIds: string[]): Offer => ({ userId, offerId: 'offer1', reason: 'rules', clickIds, timestamp: 1 });

describe('offer identity', () => {
  it('is the visitor and the triggering (last) click, whatever else the offer says', () => {
    expect(offerIdentity(offer('U1', ['a', 'b', 'c']))).toBe('U1:c');
    const otherwise: Offer = { ...offer('U1', ['x', 'c']), offerId: 'offer2', timestamp: 2 };
    expect(offerIdentity(otherwise)).toBe(offerIdentity(offer('U1', ['a', 'b', 'c'])));
    expect(offerIdentity(offer('U2', ['a', 'b', 'c']))).not.toBe('U1:c');
  });

  it("knows a batch committed when the visitor's last committed offer is the batch's last", () => {
    const batch = [offer('U1', ['a', 'b', 'c']), offer('U1', ['d', 'e', 'f'])];
    expect(batchCommitted(batch, offer('U1', ['d', 'e', 'f']))).toBe(true);
    // Nothing since the batch was scheduled, or only an older offer: send it.
    expect(batchCommitted(batch, undefined)).toBe(false);
    expect(batchCommitted(batch, offer('U1', ['x', 'y', 'z']))).toBe(false);
    expect(batchCommitted([], offer('U1', ['d', 'e', 'f']))).toBe(false);
  });

  it('gives each visitor one transactional id', () => {
    expect(offerTransactionalId('clickstream', 'U1')).toBe('clickstream-offers-U1');
  });
});
