import { describe, expect, it } from 'vitest';
import { parsePartial, type AggregatePartial } from '../../lib/aggregation/partial';
import { MAX_MESSAGE_BYTES, parseEnrichedClick, type EnrichedClick } from '../../lib/schema';

const valid: EnrichedClick = {
  clickId: 'c1',
  userId: 'U1',
  productId: 'P1',
  ip: '81.2.69.160',
  userAgent: 'Mozilla/5.0',
  timestamp: 1_767_261_600_000,
  originalTimestamp: 1_400_000_000_000,
  source: 'replay',
  category: 'books',
  title: 'A book',
  gender: 'F',
  birthDate: '1990-05-01',
  age: 35,
  country: 'United Kingdom',
  deviceType: 'Mobile',
};

describe('parseEnrichedClick', () => {
  it('accepts what enrichment writes, unknown visitor and missing ip included', () => {
    expect(parseEnrichedClick(JSON.stringify(valid))).toEqual({ ok: true, value: valid });
    const unknown = { ...valid, gender: 'U', birthDate: null, age: null, ip: '', category: 'Unknown', title: 'Unknown' };
    expect(parseEnrichedClick(JSON.stringify(unknown))).toEqual({ ok: true, value: unknown });
  });

  it('names what is wrong', () => {
    expect(parseEnrichedClick('{oops')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
    expect(parseEnrichedClick('[1]')).toEqual({ ok: false, reason: 'expected a JSON object' });
    const bad = parseEnrichedClick(JSON.stringify({ ...valid, userId: '', deviceType: 'Phone', timestamp: -1, gender: 'X' }));
    expect(bad.ok).toBe(false);
    const reason = bad.ok ? '' : bad.reason;
    for (const field of ['userId', 'deviceType', 'timestamp', 'gender']) expect(reason).toContain(field);
  });

  it('rejects a message over the size limit unread', () => {
    expect(parseEnrichedClick(' '.repeat(MAX_MESSAGE_BYTES + 1))).toMatchObject({ ok: false, reason: expect.stringContaining('exceeds') });
  });
});

describe('parsePartial', () => {
  const partial: AggregatePartial = {
    partition: 3,
    owner: 'worker-1',
    updatedAt: 1,
    streamTime: 2,
    nextOffset: '10',
    counted: 9,
    rejected: 1,
    late: 2,
    allowedLatenessMs: 300_000,
    minutes: [],
    sessions: [],
    lastSeen: [],
    latestVisitors: [],
    rawClicks: [],
  };

  it('reads back what the publisher writes', () => {
    expect(parsePartial(JSON.stringify(partial))).toEqual({ ok: true, value: partial });
  });

  it('reports a malformed field instead of merging it', () => {
    expect(parsePartial('nope')).toMatchObject({ ok: false });
    expect(parsePartial(JSON.stringify({ ...partial, minutes: null, streamTime: 'x' }))).toEqual({
      ok: false,
      reason: 'not a partial: bad streamTime, minutes',
    });
  });
});
