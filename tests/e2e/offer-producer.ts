/**
 * Puts an offer on the private system's offers topic, as a visitor workflow writes it, for the
 * tests that need one at a moment of their choosing (focus before it arrives). The web server's
 * own consumer reads it and sends it to the shopper's page, as it does every offer.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createKafka } from '../../clients/kafka';
import { loadConfig } from '../../lib/config';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import type { Offer } from '../../lib/schema';
import { web } from './shop-steps';

const config = loadConfig({ ...process.env, ...inject('systemEnv') });

/** An offer of the current rule set for `userId`, following a view of `productId`. */
export async function sendOffer({ userId, offerId, productId }: { userId: string; offerId: string; productId: string }): Promise<void> {
  const { current } = (await (await fetch(`${web}/api/rules`)).json()) as { current: RuleSetVersion };
  const clickId = `test-offer-${randomUUID()}`;
  const offer: Offer = {
    userId,
    offerId,
    reason: `rules "${current.rules.name}" version ${current.version}: sent by a test`,
    clickIds: [clickId],
    timestamp: Date.now(),
    rules: { name: current.rules.name, version: current.version },
    steps: [{ state: current.rules.offerState, at: Date.now(), clickId, productId, category: 'books' }],
  };
  const producer = createKafka(config.kafka, 'e2e-offers').producer();
  await producer.connect();
  try {
    await producer.send({ topic: config.kafka.topics.offers, messages: [{ key: userId, value: JSON.stringify(offer) }] });
  } finally {
    await producer.disconnect();
  }
}
