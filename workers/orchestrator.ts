/**
 * The orchestrator worker: hosts every workflow, plus the short activities (ingestion, replay
 * chunks, offers and the state-machine log). Stream consumers run in their own processes (stream-worker.ts).
 */
import { createOfferActivities } from '../activities/detection/offer-activities';
import { createIngestionActivities } from '../activities/ingestion/ingestion-activities';
import { createReplayActivities } from '../activities/replay/replay-activities';
import { createKafka } from '../clients/kafka';
import { createRedis } from '../clients/redis';
import { loadConfig } from '../lib/config';
import { runWorker } from './run-worker';
import { workflowBundle } from './workflow-bundle';

const config = loadConfig();
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
// Replay chunks and offer sends each open their own transactional producer on this client.
const kafka = createKafka(config.kafka, `orchestrator-${config.workerName}`);

await runWorker(
  config,
  'orchestrator',
  {
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    // The SDK sizes its cache by the heap limit (none under 400 MB). Each cached run holds ~0.2 MB
    // outside the V8 heap: in the benchmark 500 took the orchestrator to 382 MB, 150 to 284, 100 to 251.
    maxCachedWorkflows: config.workflowCacheSize,
    activities: {
      ...createIngestionActivities({ redis }),
      ...createReplayActivities({ config, kafka }),
      ...createOfferActivities({ config, kafka, redis }),
    },
  },
  async () => {
    await redis.quit();
  },
);
