/** The kinds of long-running stream consumer; each runs as a Temporal activity on its own task queue. */
export const CONSUMER_KINDS = ['enrichment', 'aggregation', 'detection'] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];
