import { loadConfig } from '../config';
import { WORKFLOW_IDS } from '../task-queues';

/** What the ingestion writes to `LOOKUPS_LOADED_KEY` once every product and visitor is in Redis. */
export interface LookupsMarker {
  /** The ingestion run that loaded them: tells one load of the data from the next. */
  runId: string;
  products: number;
  visitors: number;
  /** When the load finished, ms since the epoch. */
  loadedAt: number;
}

const PROJECT_TASK_QUEUE = loadConfig({}).temporal.taskQueue;

/**
 * The ingestion's workflow id: `ingest-data` on the project's own task queue, `<queue>-ingest-data`
 * on a private copy's (the tests'), so a private pipeline's reload never joins the shared one's.
 * One id per task queue is what lets a reload join an ingestion already running.
 */
export function ingestionWorkflowId(taskQueue: string): string {
  return taskQueue === PROJECT_TASK_QUEUE ? WORKFLOW_IDS.ingestion : `${taskQueue}-${WORKFLOW_IDS.ingestion}`;
}
