import { defineQuery } from '@temporalio/workflow';

/** A record the ingestion refused, and why. */
export interface Rejection {
  origin: string;
  reason: string;
}

/** What one ingestion batch did. */
export interface BatchResult {
  loaded: number;
  rejected: Rejection[];
}

export interface IngestionReport {
  products: { loaded: number; rejected: number };
  visitors: { loaded: number; rejected: number; total: number | null };
  /** The first rejections, with their reasons; the counts above are complete. */
  rejections: Rejection[];
  done: boolean;
}

export const ingestionProgressQuery = defineQuery<IngestionReport>('ingestionProgress');

/** Keeps the first rejections only: a broken file must not grow the workflow's history without bound. */
export const MAX_REPORTED_REJECTIONS = 50;

/** Progress of one ingestion run, as its query shows it. Plain class: the workflow only feeds it. */
export class IngestionProgress {
  private readonly report: IngestionReport = {
    products: { loaded: 0, rejected: 0 },
    visitors: { loaded: 0, rejected: 0, total: null },
    rejections: [],
    done: false,
  };

  expectVisitors(total: number): void {
    this.report.visitors.total = total;
  }

  record(kind: 'products' | 'visitors', batch: BatchResult): void {
    this.report[kind].loaded += batch.loaded;
    this.report[kind].rejected += batch.rejected.length;
    const room = MAX_REPORTED_REJECTIONS - this.report.rejections.length;
    if (room > 0) this.report.rejections.push(...batch.rejected.slice(0, room));
  }

  finish(): IngestionReport {
    this.report.done = true;
    return this.snapshot();
  }

  snapshot(): IngestionReport {
    // JSON copy: the workflow sandbox has no structuredClone.
    return JSON.parse(JSON.stringify(this.report)) as IngestionReport;
  }
}
