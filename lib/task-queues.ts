import type { ConsumerKind } from './consumer-kinds';

/**
 * Each consumer kind polls its own task queue, and each worker process takes one consumer of its
 * kind at a time: so N consumer activities spread over N worker processes of that kind.
 */
export const consumerTaskQueue = (baseTaskQueue: string, kind: ConsumerKind) => `${baseTaskQueue}-${kind}`;

/** Fixed workflow ids make `make up` idempotent: starting what already runs is a no-op. */
export const WORKFLOW_IDS = {
  ingestion: 'ingest-data',
  streamConsumers: (kind: ConsumerKind) => `stream-consumers-${kind}`,
} as const;
