/**
 * Token buckets by key (a visitor, an address): each key may spend `burst` at once and earns
 * `perSecond` back, so a client keeps a steady pace and gets a clear "try again in n s" past it.
 * At most `maxKeys` buckets are kept, the least recently used dropped first (a dropped key comes
 * back full), so a client that makes up keys cannot grow the server's memory. Pure: time is given.
 */

export interface Rate {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: Rate,
    private readonly maxKeys: number,
  ) {}

  /** Spends a token of `key` at `now` (ms): 0 when it had one, else the whole seconds until it will. */
  take(key: string, now: number): number {
    const tokens = this.tokens(key, now);
    const spent = tokens >= 1;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: spent ? tokens - 1 : tokens, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return spent ? 0 : this.secondsUntilOne(tokens);
  }

  /** Whole seconds until `key` has a token to spend; 0 when it has one now. Spends nothing. */
  wait(key: string, now: number): number {
    const tokens = this.tokens(key, now);
    return tokens >= 1 ? 0 : this.secondsUntilOne(tokens);
  }

  private tokens(key: string, now: number): number {
    const known = this.buckets.get(key);
    return known ? Math.min(this.rate.burst, known.tokens + ((now - known.at) / 1000) * this.rate.perSecond) : this.rate.burst;
  }

  private secondsUntilOne(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.rate.perSecond - 1e-9));
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The key a client's address is limited by: an IPv4 address as it is, an IPv6 one by its /64
 * (one host or home gets a whole /64, so single addresses would cost an attacker nothing).
 */
export function addressKey(address: string | undefined): string {
  // adapter-node knows no address once the client has gone, or behind SOCKET_PATH without ADDRESS_HEADER.
  if (!address) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
