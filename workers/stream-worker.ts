/**
 * A worker process for one kind of stream consumer: `tsx workers/stream-worker.ts enrichment`.
 * It takes one consumer activity at a time, so N processes of a kind host N consumers.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { hostConsumer, type StreamConsumerActivities } from '../activities/stream-consumer-activities';
import { runEnrichment } from '../activities/enrichment/run-enrichment';
import { startIngestion } from '../activities/ingestion/start-ingestion';
import { runAggregation } from '../activities/aggregation/run-aggregation';
import { runDetectionFeed } from '../activities/detection/run-detection-feed';
import { createKafka } from '../clients/kafka';
import { currentRuleSet } from '../clients/offer-rules';
import { createRedis } from '../clients/redis';
import { connectTemporal } from '../clients/temporal';
import { CONSUMER_KINDS, type ConsumerKind } from '../lib/consumer-kinds';
import { loadConfig } from '../lib/config';
import type { ConsumerRun } from '../lib/consumer-run';
import { OFFER_RULES } from '../lib/offers/offer-rules';
import { consumerTaskQueue } from '../lib/task-queues';
import { observe, runWorkers } from './run-worker';

const kind = process.argv[2] as ConsumerKind;
if (!CONSUMER_KINDS.includes(kind)) {
  console.error(`usage: stream-worker.ts <${CONSUMER_KINDS.join('|')}>`);
  process.exit(2);
}
const config = loadConfig();
const observed = await observe(config, kind);
const kafka = createKafka(config.kafka, `${kind}-${config.workerName}`);
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
const deps = { config, kafka, redis };
const closers: (() => Promise<unknown>)[] = [() => redis.quit()];

/** Runs this worker's stage until its run is told to stop. */
async function stageRunner(kind: ConsumerKind): Promise<(run: ConsumerRun) => Promise<void>> {
  if (kind === 'aggregation') return (run) => runAggregation(deps, run);
  // One Temporal client for the process: enrichment starts the ingestion when Redis lost the
  // lookups; the detection feed signals visitor workflows.
  const temporal = await connectTemporal(config.temporal);
  closers.push(() => temporal.connection.close());
  if (kind === 'enrichment') return (run) => runEnrichment({ ...deps, reloadLookups: () => startIngestion(temporal, config) }, run);
  const feed = {
    config,
    kafka,
    temporal,
    rules: OFFER_RULES,
    currentRuleSet: () => currentRuleSet(temporal, config.temporal),
    visitorIdleMs: config.offers.visitorIdleMinutes * 60_000,
    offerStateAttribute: config.offers.stateSearchAttribute,
  };
  return (run) => runDetectionFeed(feed, run);
}

async function consumerActivities(kind: ConsumerKind): Promise<StreamConsumerActivities> {
  const runner = await stageRunner(kind);
  return {
    runStage: async (asked) => {
      if (asked !== kind) throw ApplicationFailure.nonRetryable(`a ${kind} worker was asked to run ${asked}: task queues and kinds disagree`);
      await hostConsumer(runner);
    },
  };
}

const name = `${kind} worker ${config.workerName}`;
await runWorkers(
  config,
  name,
  [
    {
      name,
      options: {
        taskQueue: consumerTaskQueue(config.temporal.taskQueue, kind),
        activities: await consumerActivities(kind),
        maxConcurrentActivityTaskExecutions: 1,
      },
    },
  ],
  {
    observed,
    cleanup: async () => {
      for (const close of closers) await close();
    },
  },
);
