import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { attemptProducer } from '../../clients/kafka';
import { traceHeaders } from '../../clients/tracing';
import { ruleSetVersion } from '../../clients/offer-rules';
import { latestCommittedValue } from '../latest-record';
import type { Config } from '../../lib/config';
import { batchCommitted, offerTransactionalId } from '../../lib/offers/offer-identity';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';
import type { OfferMeasures, TransitionLogEntry } from '../../lib/offers/visitor-offers';
import {
  NEAR_MISSES_KEY,
  NEAR_MISSES_LENGTH,
  STATE_MACHINE_LOG_KEY,
  STATE_MACHINE_LOG_LENGTH,
  UPLIFT_OFFERS_KEY,
  upliftVisitorsKey,
} from '../../lib/redis-keys';
import { parseOffer, type Offer } from '../../lib/schema';
import { detectionMetrics } from './detection-metrics';

/** How far the clocks of workers (which stamp records) and Temporal (which schedules) may differ. */
const CLOCK_SKEW_MS = 60_000;

/** The visitor workflow's activities: one call per batch of clicks, never one per click. */
export interface OfferActivities {
  /** Produces one visitor's offers to the offers topic, keyed by visitor id, exactly once. */
  sendOffers(offers: Offer[]): Promise<void>;
  /** Appends transitions to the capped state-machine log stream. */
  logTransitions(entries: TransitionLogEntry[]): Promise<void>;
  /** A published rule-set version, from the offer-rules workflow; null if it has no such version. */
  loadRuleSet(version: number): Promise<RuleSetVersion | null>;
  /** Adds offer outcomes to the uplift counters and near misses to their list; writing the same twice counts once. */
  recordMeasures(measures: OfferMeasures): Promise<void>;
}

/** The offer activities of a worker process: offers go to Kafka in transactions, the log to its Redis. */
export function createOfferActivities({ config, kafka, redis, temporal }: { config: Config; kafka: Kafka; redis: Redis; temporal: Client }): OfferActivities {
  const topic = config.kafka.topics.offers;
  return {
    /**
     * One transaction per batch, with a transactional id per visitor. A retried attempt (its
     * predecessor may have committed, then died before reporting it) first fences the older
     * attempts, then sends nothing if the batch's last offer is already committed.
     */
    async sendOffers(offers) {
      const userId = offers[0]?.userId;
      if (userId === undefined) return;
      const { info, log } = Context.current();
      const { attempt, scheduledTimestampMs } = info;
      const producer = attemptProducer(kafka, offerTransactionalId(config.kafka.clientId, userId));
      await producer.connect();
      try {
        if (attempt > 1) {
          await (await producer.transaction()).abort();
          const last = await latestCommittedValue(kafka, topic, userId, scheduledTimestampMs - CLOCK_SKEW_MS);
          const parsed = last ? parseOffer(last) : undefined;
          if (batchCommitted(offers, parsed?.ok ? parsed.value : undefined)) return;
        }
        const transaction = await producer.transaction();
        // The activity's span (Temporal's interceptor), so the web's fan-out joins the click's trace.
        const headers = traceHeaders();
        try {
          await transaction.send({ topic, messages: offers.map((o) => ({ key: o.userId, value: JSON.stringify(o), ...(headers && { headers }) })) });
          await transaction.commit();
        } catch (err) {
          await transaction.abort().catch(() => {});
          throw err;
        }
        const committedAt = Date.now();
        detectionMetrics.offersSent.inc(offers.length);
        for (const offer of offers) detectionMetrics.clickToOfferSeconds.observe(Math.max(0, committedAt - offer.timestamp) / 1000);
        // With tracing on, Temporal's interceptor adds the trace id to the line.
        log.info('offers sent', { userId, offers: offers.map((o) => o.offerId), clickToOfferMs: committedAt - offers[offers.length - 1]!.timestamp });
      } finally {
        await producer.disconnect();
      }
    },
    async logTransitions(entries) {
      const pipeline = redis.pipeline();
      for (const e of entries) {
        const fields = Object.entries(e).flatMap(([k, v]) => [k, String(v)]);
        pipeline.xadd(STATE_MACHINE_LOG_KEY, 'MAXLEN', '~', STATE_MACHINE_LOG_LENGTH, '*', ...fields);
      }
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
    loadRuleSet(version) {
      return ruleSetVersion(temporal, config.temporal, version);
    },
    async recordMeasures({ outcomes, nearMisses }) {
      const pipeline = redis.pipeline();
      for (const o of outcomes) {
        pipeline.sadd(UPLIFT_OFFERS_KEY, JSON.stringify([o.rules, o.offerId]));
        pipeline.sadd(upliftVisitorsKey(o), o.userId);
      }
      for (const miss of nearMisses) pipeline.zadd(NEAR_MISSES_KEY, miss.at, JSON.stringify(miss));
      if (nearMisses.length > 0) pipeline.zremrangebyrank(NEAR_MISSES_KEY, 0, -NEAR_MISSES_LENGTH - 1);
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
  };
}
