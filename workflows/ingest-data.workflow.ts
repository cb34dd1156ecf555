import { patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { IngestionActivities } from '../activities/ingestion/ingestion-activities';
import { IngestionProgress, ingestionProgressQuery, type IngestionReport } from '../lib/ingestion/ingestion-progress';

export interface IngestDataInput {
  productsFile: string;
  visitorsFile: string;
  /** Lines of users.json per activity: each batch is one retryable, pipelined unit of work. */
  batchLines?: number;
}

const { loadProducts, countLines, loadVisitors, markLookupsLoaded } = proxyActivities<IngestionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});

/**
 * One-off, re-runnable load of products and visitors into Redis; every write is idempotent. The
 * marker written last tells enrichment the lookups are complete (and, once gone, that they are not).
 */
export async function ingestDataWorkflow(input: IngestDataInput): Promise<IngestionReport> {
  const progress = new IngestionProgress();
  setHandler(ingestionProgressQuery, () => progress.snapshot());

  progress.record('products', await loadProducts(input.productsFile));
  const total = await countLines(input.visitorsFile);
  progress.expectVisitors(total);
  const batchLines = input.batchLines ?? 10_000;
  for (let fromLine = 0; fromLine < total; fromLine += batchLines) {
    const toLine = Math.min(total, fromLine + batchLines);
    progress.record('visitors', await loadVisitors({ file: input.visitorsFile, fromLine, toLine }));
  }
  // Histories of runs from before the marker (queried after an upgrade) replay without it.
  if (patched('lookups-loaded-marker')) {
    const { products, visitors } = progress.snapshot();
    await markLookupsLoaded({ runId: workflowInfo().runId, products: products.loaded, visitors: visitors.loaded, loadedAt: Date.now() });
  }
  return progress.finish();
}
