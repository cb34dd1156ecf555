import { describe, expect, it } from 'vitest';
import { IngestionProgress, MAX_REPORTED_REJECTIONS } from '../../lib/ingestion/ingestion-progress';
import { ingestionWorkflowId } from '../../lib/ingestion/lookups-marker';
import { parseProduct, parseVisitorLine } from '../../lib/ingestion/parse-records';
import { productFacts, productHash, visitorFacts, visitorHash } from '../../lib/redis-keys';

const product = {
  id: 'VD55181667',
  category: 'shoes',
  title: 'Trail runner',
  description: 'Light.',
  image: '/images/products/VD55181667.svg',
  priceCents: 8999,
};

describe('parseProduct', () => {
  it('accepts a valid product and keeps only known fields', () => {
    expect(parseProduct({ ...product, extra: 1 })).toEqual({ ok: true, value: product });
  });
  it('names every problem', () => {
    const r = parseProduct({ id: 'bad id!', category: 'pets', title: '', priceCents: -1 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('id must be');
      expect(r.reason).toContain('category must be one of');
      expect(r.reason).toContain('title must be a non-empty string');
      expect(r.reason).toContain('priceCents must be a whole number');
    }
  });
  it('rejects what is not an object', () => {
    expect(parseProduct([1])).toEqual({ ok: false, reason: 'expected a JSON object' });
  });
});

describe('parseVisitorLine', () => {
  const id = '0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9';
  it('accepts visitors with or without gender and birth date', () => {
    expect(parseVisitorLine(JSON.stringify({ userId: id, gender: 'M', birthDate: '1980-02-29' }))).toEqual({
      ok: true,
      value: { userId: id, gender: 'M', birthDate: '1980-02-29' },
    });
    expect(parseVisitorLine(JSON.stringify({ userId: id }))).toEqual({ ok: true, value: { userId: id } });
  });
  it.each([
    ['{"userId":', 'invalid JSON'],
    ['"text"', 'expected a JSON object'],
    [JSON.stringify({ userId: 'abc' }), 'userId must be an upper-case GUID'],
    [JSON.stringify({ userId: id, gender: 'X' }), 'gender must be M or F'],
    [JSON.stringify({ userId: id, birthDate: '1980-13-45' }), 'birthDate must be a YYYY-MM-DD date'],
  ])('rejects %s', (line, reason) => {
    const r = parseVisitorLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('Redis hashes of the original template', () => {
  it('round-trip products and visitors', () => {
    expect(productHash(product as never)).toEqual({ cat: 'shoes', title: 'Trail runner' });
    expect(productFacts(productHash(product as never))).toEqual({ category: 'shoes', title: 'Trail runner' });
    expect(visitorHash({ userId: 'x', gender: 'F', birthDate: '1990-01-01' })).toEqual({ gender: 'F', birthday: '1990-01-01' });
    expect(visitorFacts({ gender: 'F', birthday: '1990-01-01' })).toEqual({ gender: 'F', birthDate: '1990-01-01' });
    expect(visitorFacts({})).toBeUndefined();
    // A visitor who gave nothing still has a hash, so the lookup tells them from an unknown one.
    expect(visitorHash({ userId: 'y' })).toEqual({ gender: 'U' });
    expect(visitorFacts(visitorHash({ userId: 'y' }))).toEqual({});
    expect(productFacts({})).toBeUndefined();
  });
});

describe('IngestionProgress', () => {
  it('adds up batches and keeps only the first rejections', () => {
    const p = new IngestionProgress();
    p.record('products', { loaded: 30, rejected: [{ origin: 'products.json[3]', reason: 'bad' }] });
    p.expectVisitors(200);
    const many = Array.from({ length: 80 }, (_, i) => ({ origin: `users.json:${i}`, reason: 'bad' }));
    p.record('visitors', { loaded: 100, rejected: many });
    p.record('visitors', { loaded: 20, rejected: [] });
    const r = p.finish();
    expect(r.products).toEqual({ loaded: 30, rejected: 1 });
    expect(r.visitors).toEqual({ loaded: 120, rejected: 80, total: 200 });
    expect(r.rejections).toHaveLength(MAX_REPORTED_REJECTIONS);
    expect(r.done).toBe(true);
  });
});

describe('ingestionWorkflowId', () => {
  it('is the documented id on the project task queue and a private one elsewhere, so a test pipeline never joins the shared run', () => {
    expect(ingestionWorkflowId('clickstream')).toBe('ingest-data');
    expect(ingestionWorkflowId('it-1234')).toBe('it-1234-ingest-data');
  });
});
