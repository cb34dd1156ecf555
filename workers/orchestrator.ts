/**
 * The orchestrator worker: hosts every workflow, plus the short activities (ingestion, replay
 * chunks, offers and the state-machine log). Stream consumers run in their own processes (stream-worker.ts).
 */
import { fileURLToPath } from 'node:url';
import { createOfferActivities } from '../activities/detection/offer-activities';
import { createIngestionActivities } from '../activities/ingestion/ingestion-activities';
import { createReplayActivities } from '../activities/replay/replay-activities';
import { createKafka } from '../clients/kafka';
import { createRedis } from '../clients/redis';
import { loadConfig } from '../lib/config';
import { runWorker } from './run-worker';

const config = loadConfig();
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
// Replay chunks and offer sends each open their own transactional producer on this client.
const kafka = createKafka(config.kafka, `orchestrator-${config.workerName}`);

await runWorker(
  config,
  'orchestrator',
  {
    taskQueue: config.temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    // The SDK sizes its cache by the heap limit (none under 400 MB); visitor workflows are small and
    // many, and a cached one answers its next signal without replaying its history.
    maxCachedWorkflows: 500,
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
