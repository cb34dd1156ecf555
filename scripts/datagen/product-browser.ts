/** Which product pages a session views: a few best-sellers, a long tail, browsing within a category. */
import type { Category, Product } from '../../lib/schema';
import { type Rng, WeightedTable, zipfTable } from './prng';

const POPULARITY_EXPONENT = 0.8;
/** A fashion shop: clothes, shoes and bags tend to rank higher than the rest. */
const CATEGORY_APPEAL: Partial<Record<Category, number>> = { clothing: 3, shoes: 3, handbags: 3 };
/** Reloading the page just seen: the event detection must ignore these. */
const REFRESH_RATE = 0.1;
const SAME_CATEGORY_RATE = 0.45;

export class ProductBrowser {
  /** Product indexes, most popular first. */
  private readonly byPopularity: number[];
  private readonly popularity: WeightedTable;
  private readonly byCategory = new Map<Category, { indexes: number[]; popularity: WeightedTable }>();

  constructor(
    rng: Rng,
    private readonly products: readonly Product[],
  ) {
    if (products.length === 0) throw new Error('a click log needs at least one product');
    this.byPopularity = popularityRanking(rng, products);
    this.popularity = zipfTable(products.length, POPULARITY_EXPONENT);
    for (const category of new Set(products.map((p) => p.category))) {
      const indexes = this.byPopularity.filter((i) => products[i]!.category === category);
      this.byCategory.set(category, { indexes, popularity: zipfTable(indexes.length, POPULARITY_EXPONENT) });
    }
  }

  /** Crawlers visit every page alike; people favour the popular ones. */
  first(rng: Rng, crawler: boolean): number {
    return crawler ? rng.int(0, this.products.length - 1) : this.byPopularity[this.popularity.sample(rng)]!;
  }

  next(rng: Rng, current: number, crawler: boolean): number {
    if (crawler) return this.first(rng, true);
    const r = rng.next();
    if (r < REFRESH_RATE) return current;
    if (r < REFRESH_RATE + SAME_CATEGORY_RATE) {
      const { indexes, popularity } = this.byCategory.get(this.products[current]!.category)!;
      return indexes[popularity.sample(rng)]!;
    }
    return this.first(rng, false);
  }
}

/**
 * Product indexes in a random order biased by category appeal: weighted sampling without
 * replacement (Efraimidis-Spirakis), each product keyed by u^(1/appeal).
 */
function popularityRanking(rng: Rng, products: readonly Product[]): number[] {
  return products
    .map((p, i) => ({ i, key: rng.next() ** (1 / (CATEGORY_APPEAL[p.category] ?? 1)) }))
    .sort((a, b) => b.key - a.key || a.i - b.i)
    .map(({ i }) => i);
}
