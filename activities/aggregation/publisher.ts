import type { ChainableCommander, Redis } from 'ioredis';
import { mergePartials } from '../../lib/aggregation/merge';
import { parsePartial, type AggregatePartial, type PartitionSnapshot } from '../../lib/aggregation/partial';
import type { Logger } from '../../lib/consumer-run';
import { AGGREGATE_PARTIALS_KEY, DASHBOARD_CHANNEL, DASHBOARD_KEY } from '../../lib/redis-keys';

/** How often the aggregation publishes the dashboard. */
export const PUBLISH_EVERY_MS = 1_000;

export type OwnedSnapshot = { partition: number; snapshot: PartitionSnapshot };

/**
 * Publishes the dashboard (the aggregation's punctuation, about once a second): writes this
 * worker's partition snapshots to the partials hash and reads back every worker's (one round
 * trip), merges them, and sets and announces the dashboard when it changed (a second round trip).
 *
 * Owned partitions are written every time, changed or not: should a worker that lost a partition
 * unawares still write it, the owner's next write puts the newer state back.
 */
export class DashboardPublisher {
  private published = '';
  private readonly reportedBad = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly owner: string,
    private readonly log: Logger,
  ) {}

  async publish(snapshots: OwnedSnapshot[]): Promise<void> {
    const updatedAt = Date.now();
    const owned = snapshots.map(({ partition, snapshot }): AggregatePartial => ({ partition, owner: this.owner, updatedAt, ...snapshot }));
    const tx = this.redis.multi();
    if (owned.length > 0) tx.hset(AGGREGATE_PARTIALS_KEY, Object.fromEntries(owned.map((p) => [p.partition, JSON.stringify(p)])));
    tx.hgetall(AGGREGATE_PARTIALS_KEY);
    tx.exists(DASHBOARD_KEY);
    const [hash, dashboardExists] = (await execAll(tx)).slice(-2) as [Record<string, string>, number];

    const dashboard = mergePartials(this.parse(hash));
    const json = JSON.stringify(dashboard);
    // Unchanged, unless Redis lost it (a restart of a Redis that keeps nothing on disk).
    if (json === this.published && dashboardExists === 1) return;
    await execAll(this.redis.multi().set(DASHBOARD_KEY, json).publish(DASHBOARD_CHANNEL, String(dashboard.asOf)));
    this.published = json;
  }

  private parse(hash: Record<string, string>): AggregatePartial[] {
    return Object.entries(hash).flatMap(([field, text]) => {
      const parsed = parsePartial(text);
      if (parsed.ok) return [parsed.value];
      if (!this.reportedBad.has(field)) this.log.warn('malformed partial left out of the dashboard', { field, reason: parsed.reason });
      this.reportedBad.add(field);
      return [];
    });
  }
}

/** Runs a MULTI in one round trip; its results, or the first command's error. */
async function execAll(tx: ChainableCommander): Promise<unknown[]> {
  const results = await tx.exec();
  if (!results) throw new Error('Redis transaction discarded');
  return results.map(([err, result]) => {
    if (err) throw err;
    return result;
  });
}
