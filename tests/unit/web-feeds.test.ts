import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { consumerLag } from '../../clients/consumer-lag';
import { parseStateMachineLog } from '../../web/src/lib/dashboard-feed';
import { parseReplayCommand } from '../../web/src/lib/server/replay-command';
import { sseData } from '../../web/src/lib/server/sse';
import { KeyedSubscribers } from '../../web/src/lib/server/subscribers';

describe('offer and dashboard fan-out', () => {
  it('delivers to the listeners of a key only, and forgets a key with no listeners', () => {
    const subs = new KeyedSubscribers<number>();
    const a: number[] = [];
    const b: number[] = [];
    const offA = subs.add('A', (v) => a.push(v));
    subs.add('B', (v) => b.push(v));
    subs.add('A', () => {
      throw new Error('a broken stream');
    });
    expect(subs.publish('A', 1)).toBe(2);
    expect(subs.publish('C', 2)).toBe(0);
    expect(a).toEqual([1]);
    expect(b).toEqual([]);
    offA();
    expect(subs.size).toBe(2);
    expect(subs.keys).toBe(2);
    expect(subs.has('B')).toBe(true);
    expect(subs.has('C')).toBe(false);
    const offB = subs.add('B', () => {});
    offB();
    expect(subs.keys).toBe(2);
  });

  it('frames one data line of JSON per event, newlines escaped', () => {
    expect(sseData({ reason: 'two\nlines' })).toBe('data: {"reason":"two\\nlines"}\n\n');
  });

  it('reads the state-machine log from an XREVRANGE reply', () => {
    const reply: [string, string[]][] = [
      [
        '2-0',
        [
          'userId',
          'U',
          'state',
          'shoes_visited',
          'productId',
          'P',
          'category',
          'shoes',
          'clickId',
          'c',
          'timestamp',
          '42',
          'line',
          'User U entered shoes_visited',
        ],
      ],
    ];
    expect(parseStateMachineLog(reply)).toEqual([
      { id: '2-0', userId: 'U', state: 'shoes_visited', productId: 'P', category: 'shoes', clickId: 'c', timestamp: 42, line: 'User U entered shoes_visited' },
    ]);
  });
});

describe('consumer lag', () => {
  it('sums high watermark minus committed offset; an uncommitted partition lags by all it holds', () => {
    const topic = [
      { partition: 0, high: '100', low: '0' },
      { partition: 1, high: '50', low: '10' },
      { partition: 2, high: '7', low: '0' },
    ];
    expect(
      consumerLag(topic, [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '-1' },
        { partition: 2, offset: '7' },
      ]),
    ).toBe(10 + 40);
    expect(consumerLag(topic, [])).toBe(100 + 40 + 7);
  });
});

describe('replay commands', () => {
  it('accepts pause, resume and a valid speed; names the problem otherwise', () => {
    expect(parseReplayCommand({ action: 'pause' })).toEqual({ ok: true, value: { action: 'pause' } });
    expect(parseReplayCommand({ action: 'resume' })).toEqual({ ok: true, value: { action: 'resume' } });
    expect(parseReplayCommand({ action: 'speed', pace: { mode: 'fixed', rate: 5 } })).toEqual({
      ok: true,
      value: { action: 'speed', pace: { mode: 'fixed', rate: 5 } },
    });
    expect(parseReplayCommand({ action: 'speed', pace: { mode: 'fixed', rate: -1 } })).toMatchObject({ ok: false, reason: expect.stringContaining('rate') });
    expect(parseReplayCommand({ action: 'stop' })).toMatchObject({ ok: false, reason: expect.stringContaining('action') });
    expect(parseReplayCommand(null).ok).toBe(false);
  });

  it('controls the replay workflow make up starts, by default', () => {
    expect(loadConfig({}).temporal.replayWorkflowId).toBe('replay-clicks');
  });
});

describe('the web app build', () => {
  it('keeps out of its bundle only packages the root package.json installs', () => {
    const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    const web = JSON.parse(readFileSync(new URL('../../web/package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(web.dependencies).filter((name) => !(name in root.dependencies))).toEqual([]);
  });
});
