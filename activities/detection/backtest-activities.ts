import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { currentRuleSet } from '../../clients/offer-rules';
import { readPartition } from '../../clients/streams/partition-reader';
import type { Config } from '../../lib/config';
import { Backtest, type BacktestInput, type BacktestResult } from '../../lib/offers/backtest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { parseEnrichedClick } from '../../lib/schema';
import { stageSpec } from '../../lib/topology';

/** Long enough for hours of clicks on a busy shop; the activity heartbeats per batch. */
const READ_TIMEOUT_MS = 10 * 60_000;

export interface BacktestActivities {
  backtestRules(input: BacktestInput): Promise<BacktestResult>;
}

/**
 * Reads each partition of the detection's input from the first offset written `hours` ago to the
 * end it has now, and runs the candidate and the live rules over it (lib/offers/backtest.ts). A
 * visitor's clicks share a partition, so reading one partition after another keeps their order.
 */
export function createBacktestActivities({ config, kafka, temporal }: { config: Config; kafka: Kafka; temporal: Client }): BacktestActivities {
  return {
    async backtestRules({ rules, hours }) {
      const topic = stageSpec(config, 'detection').input;
      const live = (await currentRuleSet(temporal, config.temporal)) ?? { version: 0, rules: OFFER_RULES };
      const backtest = new Backtest({ candidate: rules, live: live.rules });
      const until = Date.now();
      const admin = kafka.admin();
      await admin.connect();
      let ranges: { partition: number; from: bigint; end: bigint }[];
      try {
        const starts = await admin.fetchTopicOffsetsByTimestamp(topic, until - hours * 3_600_000);
        const ends = await admin.fetchTopicOffsets(topic);
        ranges = ends.map((e) => ({
          partition: e.partition,
          from: BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.high),
          end: BigInt(e.high),
        }));
      } finally {
        await admin.disconnect();
      }
      let records = 0;
      for (const { partition, from, end } of ranges) {
        await readPartition(
          kafka,
          topic,
          partition,
          from,
          end,
          (messages) => {
            for (const m of messages) {
              const parsed = parseEnrichedClick(m.value?.toString('utf8') ?? '');
              if (parsed.ok) backtest.add(parsed.value);
            }
            records += messages.length;
            Context.current().heartbeat({ partition, records });
          },
          READ_TIMEOUT_MS,
        );
      }
      return { ...backtest.report(until), liveVersion: live.version, records };
    },
  };
}
