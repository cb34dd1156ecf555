/**
 * Starts the long-lived stream-consumer workflows (enrichment, aggregation, detection) and the
 * offer rule sets' workflow. Idempotent: a workflow that already runs is kept. WORKERS_PER_KIND sets the consumers of each group.
 */
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { ensureRuleSets } from '../clients/offer-rules';
import { connectTemporal } from '../clients/temporal';
import { CONSUMER_KINDS } from '../lib/consumer-kinds';
import { loadConfig } from '../lib/config';
import { WORKFLOW_IDS } from '../lib/task-queues';
import { streamConsumersWorkflow } from '../workflows/stream-consumers.workflow';

const config = loadConfig();
const client = await connectTemporal(config.temporal);
for (const kind of CONSUMER_KINDS) {
  const handle = await client.workflow.start(streamConsumersWorkflow, {
    taskQueue: config.temporal.taskQueue,
    workflowId: WORKFLOW_IDS.streamConsumers(kind),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [{ kind, consumers: config.workersPerKind }],
  });
  console.log(`[pipeline] ${kind}: workflow ${handle.workflowId} running`);
}
await ensureRuleSets(client, config.temporal);
console.log('[pipeline] offer rule sets: workflow running (GET /api/rules)');
await client.connection.close();
