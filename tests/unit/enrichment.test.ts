import { describe, expect, it } from 'vitest';
import { ageAt } from '../../lib/enrichment/age';
import { countryOf } from '../../lib/enrichment/country';
import { deviceTypeOf, memoizedDeviceTypeOf } from '../../lib/enrichment/device-type';
import { enrichClick, needsVisitorLookup } from '../../lib/enrichment/enrich-click';
import { parseClickEvent, parseEnrichedClick, type ClickEvent } from '../../lib/schema';

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidPhone: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  curl: 'curl/8.5.0',
};

describe('deviceTypeOf', () => {
  it.each([
    ['chromeWindows', 'Desktop'],
    ['safariMac', 'Desktop'],
    ['firefoxLinux', 'Desktop'],
    ['iphone', 'Mobile'],
    ['androidPhone', 'Mobile'],
    ['ipad', 'Tablet'],
    ['androidTablet', 'Tablet'],
    ['googlebot', 'Bot'],
    ['bingbot', 'Bot'],
    ['curl', 'Other'],
  ] as const)('%s is %s', (name, type) => {
    expect(deviceTypeOf(UA[name])).toBe(type);
  });

  it('calls an empty or garbage user agent Other', () => {
    expect(deviceTypeOf('')).toBe('Other');
    expect(deviceTypeOf('<script>alert(1)</script>')).toBe('Other');
  });

  it('memoizes within a bound', () => {
    const memo = memoizedDeviceTypeOf(2);
    expect([UA.iphone, UA.ipad, UA.googlebot, UA.iphone].map(memo)).toEqual(['Mobile', 'Tablet', 'Bot', 'Mobile']);
  });
});

describe('countryOf', () => {
  it('names the country of an IPv4 address from the bundled table', () => {
    expect(countryOf('81.2.69.160')).toBe('United Kingdom');
    expect(countryOf('5.9.1.1')).toBe('Germany');
  });

  it('says Unknown for reserved, malformed and IPv6 addresses', () => {
    expect(countryOf('10.0.0.1')).toBe('Unknown');
    expect(countryOf('not an ip')).toBe('Unknown');
    expect(countryOf('::1')).toBe('Unknown');
    expect(countryOf('')).toBe('Unknown');
  });
});

describe('ageAt', () => {
  const at = Date.UTC(2026, 5, 15);
  it('counts whole years, the birthday itself included', () => {
    expect(ageAt('1990-06-15', at)).toBe(36);
    expect(ageAt('1990-06-16', at)).toBe(35);
    expect(ageAt('1990-01-01', at)).toBe(36);
  });
  it('rejects what is not a date', () => {
    expect(ageAt('15/06/1990', at)).toBeNull();
    expect(ageAt('2030-01-01', at)).toBeNull();
  });
});

describe('enrichClick', () => {
  const click: ClickEvent = {
    clickId: 'c1',
    userId: 'V1',
    productId: 'VD55181667',
    ip: '81.2.69.160',
    userAgent: UA.iphone,
    timestamp: Date.UTC(2026, 5, 15),
    originalTimestamp: 1,
    source: 'replay',
  };

  it('adds product, visitor, age at event time, country and device', () => {
    const e = enrichClick(click, {
      product: { category: 'clothing', title: 'Linen shirt' },
      visitor: { gender: 'F', birthDate: '1995-06-16' },
      country: 'United Kingdom',
      deviceType: 'Mobile',
    });
    expect(e).toEqual({
      ok: true,
      value: {
        ...click,
        category: 'clothing',
        title: 'Linen shirt',
        gender: 'F',
        birthDate: '1995-06-16',
        age: 30,
        country: 'United Kingdom',
        deviceType: 'Mobile',
      },
    });
  });

  it('carries what a shop event is (basket, buy, offer answer) through to the enriched topic, and it reads back', () => {
    const taken = { ...click, source: 'shop', kind: 'offer-taken', offerId: 'offer1' } as const;
    const e = enrichClick(taken, { product: { category: 'shoes', title: 'Boot' }, visitor: undefined, country: 'Unknown', deviceType: 'Desktop' });
    expect(e).toMatchObject({ ok: true, value: { kind: 'offer-taken', offerId: 'offer1', category: 'shoes' } });
    expect(parseEnrichedClick(JSON.stringify(e.ok && e.value))).toEqual(e);
    expect(parseClickEvent(JSON.stringify(taken))).toEqual({ ok: true, value: taken });
    // A page view keeps the shape it always had: no kind.
    expect(parseClickEvent(JSON.stringify({ ...click, kind: 'view' }))).toEqual({ ok: true, value: click });
  });

  it('names a wrong kind or offer id of a shop event', () => {
    expect(parseClickEvent(JSON.stringify({ ...click, kind: 'wishlist' }))).toEqual({
      ok: false,
      reason: 'kind must be one of view, basket, buy, offer-taken, offer-dismissed when given',
    });
    expect(parseClickEvent(JSON.stringify({ ...click, kind: 'offer-taken' }))).toEqual({
      ok: false,
      reason: 'offerId must be a non-empty string for kind offer-taken',
    });
    expect(parseClickEvent(JSON.stringify({ ...click, kind: 'buy', offerId: 'offer1' }))).toEqual({
      ok: false,
      reason: 'offerId is only for offer-taken and offer-dismissed',
    });
  });

  it('gives U / null for a known visitor who gave no gender or birthday', () => {
    const e = enrichClick(click, { product: { category: 'books', title: 'Atlas' }, visitor: {}, country: 'Unknown', deviceType: 'Other' });
    expect(e).toMatchObject({ ok: true, value: { category: 'books', gender: 'U', birthDate: null, age: null } });
  });

  it('refuses an unknown product, naming it', () => {
    const e = enrichClick(click, { product: undefined, visitor: { gender: 'F' }, country: 'Unknown', deviceType: 'Other' });
    expect(e).toEqual({ ok: false, reason: 'unknown product VD55181667' });
  });

  it('counts a replayed click of a visitor users.json does not know, with unknown gender and age', () => {
    const e = enrichClick(click, { product: { category: 'books', title: 'Atlas' }, visitor: undefined, country: 'FR', deviceType: 'Mobile' });
    expect(e).toEqual({
      ok: true,
      value: expect.objectContaining({ userId: 'V1', category: 'books', gender: 'U', birthDate: null, age: null, country: 'FR' }),
    });
  });

  it('counts a shop click of a shopper who gave no gender or age', () => {
    const anonymous = { ...click, source: 'shop' } as const;
    const e = enrichClick(anonymous, { product: { category: 'books', title: 'Atlas' }, visitor: undefined, country: 'Unknown', deviceType: 'Desktop' });
    expect(e).toMatchObject({ ok: true, value: { gender: 'U', age: null, source: 'shop' } });
  });

  it('needs no visitor lookup for a shop click, and keeps its own age and gender over the lookups', () => {
    const shop = { ...click, source: 'shop', age: 40, gender: 'M' } as const;
    const ctx = { product: { category: 'shoes', title: 'Boot' }, country: 'Unknown', deviceType: 'Desktop' } as const;
    expect(needsVisitorLookup(shop)).toBe(false);
    expect(needsVisitorLookup(click)).toBe(true);
    expect(enrichClick(shop, { ...ctx, visitor: undefined })).toMatchObject({ ok: true, value: { age: 40, gender: 'M', category: 'shoes' } });
    expect(enrichClick(shop, { ...ctx, visitor: { gender: 'F', birthDate: '2000-01-01' } })).toMatchObject({ ok: true, value: { age: 40, gender: 'M' } });
  });
});
