/**
 * A worker process for one kind of stream consumer: `tsx workers/stream-worker.ts enrichment`.
 * It takes one consumer activity at a time, so N processes of a kind host N consumers.
 */
import { hostConsumer } from '../activities/stream-consumer-activities';
import { runEnrichment } from '../activities/enrichment/run-enrichment';
import { startIngestion } from '../activities/ingestion/start-ingestion';
import { runAggregation } from '../activities/aggregation/run-aggregation';
import { runDetectionFeed } from '../activities/detection/run-detection-feed';
import { createKafka } from '../clients/kafka';
import { createRedis } from '../clients/redis';
import { connectTemporal } from '../clients/temporal';
import { CONSUMER_KINDS, type ConsumerKind } from '../lib/consumer-kinds';
import { loadConfig } from '../lib/config';
import { OFFER_RULES } from '../lib/offers/offer-rules';
import { consumerTaskQueue } from '../lib/task-queues';
import { runWorker } from './run-worker';

const kind = process.argv[2] as ConsumerKind;
if (!CONSUMER_KINDS.includes(kind)) {
  console.error(`usage: stream-worker.ts <${CONSUMER_KINDS.join('|')}>`);
  process.exit(2);
}
const config = loadConfig();
const kafka = createKafka(config.kafka, `${kind}-${config.workerName}`);
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
const deps = { config, kafka, redis };
const closers: (() => Promise<unknown>)[] = [() => redis.quit()];

async function consumerActivities(kind: ConsumerKind) {
  if (kind === 'aggregation') return { runAggregation: () => hostConsumer((run) => runAggregation(deps, run)) };
  // One Temporal client for the process: enrichment starts the ingestion when Redis lost the
  // lookups; the detection feed signals visitor workflows.
  const temporal = await connectTemporal(config.temporal);
  closers.push(() => temporal.connection.close());
  if (kind === 'enrichment') {
    const enrichment = { ...deps, reloadLookups: () => startIngestion(temporal, config) };
    return { runEnrichment: () => hostConsumer((run) => runEnrichment(enrichment, run)) };
  }
  const feed = { config, kafka, temporal, rules: OFFER_RULES, visitorIdleMs: config.offers.visitorIdleMinutes * 60_000 };
  return { runDetectionFeed: () => hostConsumer((run) => runDetectionFeed(feed, run)) };
}

await runWorker(
  config,
  `${kind} worker ${config.workerName}`,
  { taskQueue: consumerTaskQueue(config.temporal.taskQueue, kind), activities: await consumerActivities(kind), maxConcurrentActivityTaskExecutions: 1 },
  async () => {
    for (const close of closers) await close();
  },
);
