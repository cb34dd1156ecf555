import type { Redis } from 'ioredis';
import type { SharedProducer } from '../../clients/shared-producer';
import type { Config } from '../../lib/config';
import type { TransitionLogEntry } from '../../lib/offers/visitor-offers';
import { STATE_MACHINE_LOG_KEY, STATE_MACHINE_LOG_LENGTH } from '../../lib/redis-keys';
import type { Offer } from '../../lib/schema';

/** The visitor workflow's activities: one call per batch of clicks, never one per click. */
export interface OfferActivities {
  /** Produces offers to the offers topic, keyed by visitor id. */
  sendOffers(offers: Offer[]): Promise<void>;
  /** Appends transitions to the capped state-machine log stream. */
  logTransitions(entries: TransitionLogEntry[]): Promise<void>;
}

/** The offer activities of a worker process: offers go through its shared producer, the log to its Redis. */
export function createOfferActivities({ config, producer, redis }: { config: Config; producer: SharedProducer; redis: Redis }): OfferActivities {
  return {
    async sendOffers(offers) {
      const messages = offers.map((o) => ({ key: o.userId, value: JSON.stringify(o) }));
      await (await producer.get()).send({ topic: config.kafka.topics.offers, messages });
    },
    async logTransitions(entries) {
      const pipeline = redis.pipeline();
      for (const e of entries) {
        const fields = Object.entries(e).flatMap(([k, v]) => [k, String(v)]);
        pipeline.xadd(STATE_MACHINE_LOG_KEY, 'MAXLEN', '~', STATE_MACHINE_LOG_LENGTH, '*', ...fields);
      }
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
  };
}
