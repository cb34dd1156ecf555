import { describe, expect, it } from 'vitest';
import { describeProfile, parseVisitorProfile, profileClickFields, returnPath, shopReturnPath } from '../../web/src/lib/visitor-identity';

describe('the visitor profile kept in the browser', () => {
  it('keeps a visitor who prefers not to say their gender or age', () => {
    expect(parseVisitorProfile(JSON.stringify({ age: null, gender: 'unknown' }))).toEqual({ age: null, gender: 'unknown' });
    expect(parseVisitorProfile(JSON.stringify({ gender: 'F' }))).toEqual({ age: null, gender: 'F' });
    expect(parseVisitorProfile(JSON.stringify({ age: 40, gender: 'M' }))).toEqual({ age: 40, gender: 'M' });
    for (const bad of [JSON.stringify({ age: 30 }), JSON.stringify({ age: '30', gender: 'F' }), JSON.stringify({ age: 30, gender: 'U' })]) {
      expect(parseVisitorProfile(bad)).toBeNull();
    }
  });

  it('sends only what the visitor told, and names them as they chose', () => {
    expect(profileClickFields({ age: null, gender: 'unknown' })).toEqual({});
    expect(profileClickFields({ age: 30, gender: 'unknown' })).toEqual({ age: 30 });
    expect(profileClickFields({ age: null, gender: 'F' })).toEqual({ gender: 'F' });
    expect(describeProfile({ age: 40, gender: 'M' })).toBe('man, 40');
    expect(describeProfile({ age: null, gender: 'F' })).toBe('woman');
    expect(describeProfile({ age: 22, gender: 'unknown' })).toBe('22');
    expect(describeProfile({ age: null, gender: 'unknown' })).toBe('prefer not to say');
  });
});

describe('the way back into the shop after choosing an identity', () => {
  it('returns to a page of the shop, with its query', () => {
    expect(shopReturnPath('/shop/products/VD55181667')).toBe('/shop/products/VD55181667');
    expect(shopReturnPath('/shop?category=shoes')).toBe('/shop?category=shoes');
    expect(shopReturnPath(null)).toBe('/shop');
  });

  it('never leaves the shop: other sites, protocol-relative and backslash paths, other pages go to /shop', () => {
    for (const next of [
      'https://evil.example/shop',
      '//evil.example/shop',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      '/dashboard',
      '/shopping',
      '/shop/../dashboard',
      '',
      'shop',
    ]) {
      expect(shopReturnPath(next), next).toBe('/shop');
    }
  });
});

describe('the way back to an operator page after signing in', () => {
  it('returns to a dashboard page with its query, and nowhere else', () => {
    expect(returnPath('/dashboard/rules?before=40', '/dashboard')).toBe('/dashboard/rules?before=40');
    expect(returnPath('/dashboard/visitors/5F2D', '/dashboard')).toBe('/dashboard/visitors/5F2D');
    for (const next of [null, 'https://evil.example/dashboard', '//evil.example/dashboard', '/shop', '/dashboards', '/dashboard/../api/replay', '\\\\evil']) {
      expect(returnPath(next, '/dashboard'), String(next)).toBe('/dashboard');
    }
  });
});
