import type { Redis } from 'ioredis';
import type { ProductFacts, VisitorFacts } from '../../lib/enrichment/enrich-click';
import { LOOKUPS_LOADED_KEY, productFacts, productKey, visitorFacts, visitorKey } from '../../lib/redis-keys';

/** How long a looked-up product or visitor is trusted: re-ingested data shows within this time. */
const FRESH_FOR_MS = 60_000;
const MAX_VISITORS = 200_000;

interface Entry<T> {
  value: T | undefined;
  at: number;
}

/**
 * Product and visitor facts from Redis, fetched for a whole batch of clicks in one pipelined
 * round trip (only for ids not cached or stale), never one round trip per click.
 */
export class LookupCache {
  private readonly products = new Map<string, Entry<ProductFacts>>();
  private readonly visitors = new Map<string, Entry<VisitorFacts>>();

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Fetches what is not cached. False, caching nothing, when the lookups are not loaded (no
   * `LOOKUPS_LOADED_KEY`, as after a Redis restart): then a missing id says nothing about the id.
   * The marker is read last in the round trip, so a restart during it cannot go unnoticed.
   */
  async prefetch(productIds: Iterable<string>, userIds: Iterable<string>): Promise<boolean> {
    const now = this.now();
    const stale = <T>(cache: Map<string, Entry<T>>, id: string) => {
      const e = cache.get(id);
      return !e || now - e.at > FRESH_FOR_MS;
    };
    const wantProducts = [...new Set(productIds)].filter((id) => stale(this.products, id));
    const wantVisitors = [...new Set(userIds)].filter((id) => stale(this.visitors, id));
    if (wantProducts.length + wantVisitors.length === 0) return true;

    const pipeline = this.redis.pipeline();
    for (const id of wantProducts) pipeline.hgetall(productKey(id));
    for (const id of wantVisitors) pipeline.hgetall(visitorKey(id));
    pipeline.exists(LOOKUPS_LOADED_KEY);
    const results = (await pipeline.exec()) ?? [];
    const resultAt = (i: number): unknown => {
      const [err, result] = results[i] ?? [new Error('missing pipeline result')];
      if (err) throw err;
      return result;
    };
    if (resultAt(wantProducts.length + wantVisitors.length) !== 1) return false;
    const hashAt = (i: number) => resultAt(i) as Record<string, string>;
    wantProducts.forEach((id, i) => this.products.set(id, { value: productFacts(hashAt(i)), at: now }));
    wantVisitors.forEach((id, i) => this.visitors.set(id, { value: visitorFacts(hashAt(wantProducts.length + i)), at: now }));
    this.trimVisitors();
    return true;
  }

  /** Whether the lookups are loaded, in a round trip of its own. */
  async loaded(): Promise<boolean> {
    return (await this.redis.exists(LOOKUPS_LOADED_KEY)) === 1;
  }

  product(id: string): ProductFacts | undefined {
    return this.products.get(id)?.value;
  }

  visitor(id: string): VisitorFacts | undefined {
    return this.visitors.get(id)?.value;
  }

  /** Maps iterate in insertion order, so the first entries are the oldest. */
  private trimVisitors(): void {
    for (const id of this.visitors.keys()) {
      if (this.visitors.size <= MAX_VISITORS) break;
      this.visitors.delete(id);
    }
  }
}
