import { describe, expect, it } from 'vitest';
import { addressKey, TokenBuckets } from '../../web/src/lib/server/token-buckets';

describe('token buckets', () => {
  it('let a key spend its burst at once, then its rate, and say how long to wait', () => {
    const buckets = new TokenBuckets({ perSecond: 2, burst: 5 }, 100);
    const t0 = 1_000_000;
    expect(Array.from({ length: 5 }, () => buckets.take('a', t0))).toEqual([0, 0, 0, 0, 0]);
    expect(buckets.take('a', t0)).toBe(1);
    expect(buckets.take('a', t0 + 499)).toBe(1);
    expect(buckets.take('a', t0 + 500)).toBe(0);
    expect(buckets.take('a', t0 + 500)).toBe(1);
    // Another key has its own bucket.
    expect(buckets.take('b', t0)).toBe(0);
    // A long pause fills the bucket to its burst, not beyond.
    const later = t0 + 3_600_000;
    expect(Array.from({ length: 6 }, () => buckets.take('a', later))).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('tell the wait without spending', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 }, 100);
    expect(buckets.wait('a', 0)).toBe(0);
    buckets.take('a', 0);
    expect(buckets.wait('a', 0)).toBe(0);
    buckets.take('a', 0);
    expect(buckets.wait('a', 0)).toBe(1);
    expect(buckets.wait('a', 0)).toBe(1);
    expect(buckets.wait('a', 1_000)).toBe(0);
  });

  it('count the wait in whole seconds at a slow rate', () => {
    const perMinute = new TokenBuckets({ perSecond: 20 / 60, burst: 1 }, 100);
    expect(perMinute.take('a', 0)).toBe(0);
    expect(perMinute.take('a', 0)).toBe(3);
    expect(perMinute.take('a', 2_000)).toBe(1);
    expect(perMinute.take('a', 3_000)).toBe(0);
  });

  it('keep at most maxKeys buckets, dropping the least recently used', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, 3);
    for (const key of ['a', 'b', 'c']) buckets.take(key, 0);
    buckets.take('a', 0);
    buckets.take('d', 0);
    expect(buckets.size).toBe(3);
    // b went (least recently used) and comes back full; a was kept, and is still empty.
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBe(1);
    for (let i = 0; i < 10_000; i++) buckets.take(`made-up-${i}`, 0);
    expect(buckets.size).toBe(3);
  });
});

describe('the key of an address', () => {
  it('is an IPv4 address itself, and an IPv6 one its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:85a3:0042:1000:8a2e:370:7334')).toBe('2001:db8:85a3:42::/64');
    expect(addressKey('2001:DB8:85A3:42::1')).toBe('2001:db8:85a3:42::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
