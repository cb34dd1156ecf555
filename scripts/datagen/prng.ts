/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) with the
 * sampling helpers the data generator needs. Same seed, same sequence, on every platform: the
 * core is exact 32-bit integer arithmetic (no Math.random), and the few floating-point helpers
 * use Math.log/cos/sqrt, which V8 computes identically everywhere.
 */
import { fnv1a } from '../../lib/fnv1a';

/** splitmix32: spreads a seed over the whole state so nearby seeds give unrelated streams. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX = '0123456789ABCDEF';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `label` names an independent stream of the same seed: the products must not change when
   * the number of users does, so each generator draws from its own stream.
   */
  constructor(seed: number, label = '') {
    const init = splitmix32((seed ^ fnv1a(label)) >>> 0);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Normally distributed (Box-Muller). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next(); // (0, 1], so the log is finite
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** `count` upper-case hexadecimal digits. */
  hex(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += HEX[this.nextUint32() >>> 28];
    return out;
  }

  /** An upper-case random (version 4) GUID: 8-4-4-4-12 hex digits. */
  guid(): string {
    const variant = HEX[8 + (this.nextUint32() >>> 30)]; // 8, 9, A or B
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Samples indexes 0..n-1 in proportion to fixed weights, in O(log n) per draw: built once,
 * drawn from hundreds of thousands of times.
 */
export class WeightedTable {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error('a weighted table needs at least one weight');
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new Error(`weight ${i} is not a non-negative number: ${w}`);
      total += w;
      this.cumulative[i] = total;
    });
    if (total <= 0) throw new Error('a weighted table needs a positive total weight');
  }

  sample(rng: Rng): number {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Picks one of `items` in proportion to its weight. */
export function weightedPick<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  return items[new WeightedTable(items.map(([, w]) => w)).sample(rng)]![0];
}

/** Zipf's law over ranks 0..n-1: rank k is drawn in proportion to 1 / (k + 1)^exponent. */
export function zipfTable(n: number, exponent: number): WeightedTable {
  return new WeightedTable(Array.from({ length: n }, (_, k) => 1 / (k + 1) ** exponent));
}
