import { resolve } from 'node:path';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../../lib/config';
import type { IngestionReport } from '../../lib/ingestion/ingestion-progress';
import { ingestionWorkflowId } from '../../lib/ingestion/lookups-marker';

/** `ingestDataWorkflow`'s signature, spelt out: activities do not import workflow code. */
type IngestDataWorkflow = (input: { productsFile: string; visitorsFile: string }) => Promise<IngestionReport>;

/**
 * Starts the ingestion of DATA_DIR's products.json and users.json, or joins the one already
 * running on this task queue: the command line and a reload asked for by enrichment share a run.
 */
export function startIngestion(client: Client, config: Config) {
  return client.workflow.start<IngestDataWorkflow>('ingestDataWorkflow', {
    taskQueue: config.temporal.taskQueue,
    workflowId: ingestionWorkflowId(config.temporal.taskQueue),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [{ productsFile: resolve(config.data.dir, 'products.json'), visitorsFile: resolve(config.data.dir, 'users.json') }],
  });
}
