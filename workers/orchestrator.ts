/**
 * The orchestrator worker: hosts every workflow, plus the short activities (ingestion, replay
 * chunks, offers and the state-machine log, rule backtests). Stream consumers run in their own processes (stream-worker.ts).
 *
 * Two Temporal Workers share the process: one for the control workflows (ingestion, replay, stream
 * consumers, offer rule sets and backtests) on TEMPORAL_TASK_QUEUE, one for the visitor workflows and their offer activities on
 * TEMPORAL_VISITOR_TASK_QUEUE. Each has its own task queue on the server, its own pollers, slots,
 * cache and workflow thread, so thousands of visitor tasks queued after a burst never stand before
 * a control workflow's task. In one process rather than two: a second process costs about 100 MB
 * of runtime (Node, tsx, the Temporal core) for nothing the separate queue does not already give.
 */
import { createBacktestActivities } from '../activities/detection/backtest-activities';
import { createOfferActivities } from '../activities/detection/offer-activities';
import { createIngestionActivities } from '../activities/ingestion/ingestion-activities';
import { createReplayActivities } from '../activities/replay/replay-activities';
import { createRuleArchiveActivities } from '../activities/rules/rule-archive-activities';
import { createKafka } from '../clients/kafka';
import { createRedis } from '../clients/redis';
import { connectTemporal } from '../clients/temporal';
import { loadConfig } from '../lib/config';
import { observe, runWorkers } from './run-worker';
import { workflowBundle } from './workflow-bundle';

/** Control workflows are a handful (ingestion, replay, three consumer workflows): a small cache holds them all. */
const CONTROL_CACHED_WORKFLOWS = 20;
/**
 * The visitor Worker's slots. A visitor workflow task takes a few milliseconds of CPU: more in
 * flight only queues them on the 2 cores the broker, the server and the stages share. Offer
 * activities open a transactional producer each, so they are held to fewer.
 */
const VISITOR_WORKFLOW_TASK_SLOTS = 16;
const VISITOR_ACTIVITY_SLOTS = 32;

const config = loadConfig();
const observed = await observe(config, 'orchestrator');
const redis = createRedis(config.redis, { maxRetriesPerRequest: null });
// Replay chunks and offer sends each open their own transactional producer on this client.
const kafka = createKafka(config.kafka, `orchestrator-${config.workerName}`);
// Offer activities read published rule sets from their workflow.
const temporal = await connectTemporal(config.temporal);
const offerActivities = createOfferActivities({ config, kafka, redis, temporal });
const bundle = await workflowBundle({ traced: observed.tracing !== null });

await runWorkers(
  config,
  'orchestrator',
  [
    {
      name: 'orchestrator',
      options: {
        taskQueue: config.temporal.taskQueue,
        maxCachedWorkflows: CONTROL_CACHED_WORKFLOWS,
        activities: {
          ...createIngestionActivities({ redis }),
          ...createReplayActivities({ config, kafka }),
          ...createBacktestActivities({ config, kafka, temporal }),
          ...createRuleArchiveActivities({ temporal }),
          // Visitor workflows started before the visitor task queue existed run here until they go idle.
          ...offerActivities,
        },
      },
    },
    {
      name: 'orchestrator visitors',
      options: {
        taskQueue: config.temporal.visitorTaskQueue,
        // The SDK sizes its cache by the heap limit (none under 400 MB). Each cached run holds ~0.2 MB
        // outside the V8 heap: in the benchmark 500 took the orchestrator to 382 MB, 150 to 284, 100 to 251.
        maxCachedWorkflows: config.workflowCacheSize,
        maxConcurrentWorkflowTaskExecutions: VISITOR_WORKFLOW_TASK_SLOTS,
        maxConcurrentActivityTaskExecutions: VISITOR_ACTIVITY_SLOTS,
        activities: offerActivities,
      },
    },
  ],
  {
    observed,
    workflowBundle: bundle,
    cleanup: async () => {
      await redis.quit();
      await temporal.connection.close();
    },
  },
);
