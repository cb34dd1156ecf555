import type { ChainableCommander, Redis } from 'ioredis';
import { mergePartials } from '../../lib/aggregation/merge';
import { parsePartial, type AggregatePartial, type PartitionSnapshot } from '../../lib/aggregation/partial';
import type { Logger } from '../../lib/consumer-run';
import { AGGREGATE_PARTIALS_KEY, DASHBOARD_CHANNEL, DASHBOARD_KEY } from '../../lib/redis-keys';

const PUBLISH_EVERY_MS = 1_000;

type Snapshots = () => { partition: number; snapshot: PartitionSnapshot }[];

/**
 * Publishes the dashboard about once a second: writes this worker's partition snapshots to the
 * partials hash and reads back every worker's (one round trip), merges them, and sets and
 * announces the dashboard when it changed (a second round trip).
 *
 * Owned partitions are written every time, changed or not: should a worker that lost a partition
 * unawares still write it (see `AggregationConsumer.snapshots`), the owner's next write puts the
 * newer state back.
 */
export class DashboardPublisher {
  private published = '';
  private readonly reportedBad = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly owner: string,
    private readonly snapshots: Snapshots,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      // A slow Redis skips ticks rather than piling them up.
      this.tick ??= this.publish()
        .catch((err: Error) => this.log.warn('dashboard not published', { error: String(err) }))
        .finally(() => (this.tick = null));
    }, PUBLISH_EVERY_MS);
  }

  /** Stops the ticks and publishes once more, so the last commits show. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
    await this.publish();
  }

  async publish(): Promise<void> {
    const updatedAt = Date.now();
    const owned = this.snapshots().map(({ partition, snapshot }): AggregatePartial => ({ partition, owner: this.owner, updatedAt, ...snapshot }));
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
