/**
 * Runs the data ingestion workflow and waits for it, printing its progress:
 * `tsx scripts/ingest.ts` (make up runs it; run it again any time, it is idempotent).
 */
import { startIngestion } from '../activities/ingestion/start-ingestion';
import { connectTemporal } from '../clients/temporal';
import { loadConfig } from '../lib/config';
import { ingestionProgressQuery, type IngestionReport } from '../lib/ingestion/ingestion-progress';
import { ProgressPoller } from './progress-poller';

/** A progress query waits this long at most, retries included; the script's end waits for it. */
const QUERY_TIMEOUT_MS = 5_000;

const config = loadConfig();
const client = await connectTemporal(config.temporal);
// Joins a run already going (one a Redis restart had enrichment start, say) rather than fail.
const handle = await startIngestion(client, config);
console.log(
  `[ingest] started ${handle.workflowId} (run ${handle.firstExecutionRunId}); see ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${handle.workflowId}`,
);

const show = (r: IngestionReport) =>
  `products ${r.products.loaded} loaded, ${r.products.rejected} rejected; visitors ${r.visitors.loaded}/${r.visitors.total ?? '?'} loaded, ${r.visitors.rejected} rejected`;
const progress = new ProgressPoller(
  () => client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(ingestionProgressQuery)),
  (r) => console.log(`[ingest] ${show(r)}`),
  2_000,
).start();
let report: IngestionReport;
try {
  report = await handle.result();
} finally {
  await progress.stop();
  await client.connection.close();
}
console.log(`[ingest] done: ${show(report)}`);
for (const r of report.rejections) console.log(`[ingest]   rejected ${r.origin}: ${r.reason}`);
