import { describe, expect, it } from 'vitest';
import { USER_AGENTS } from '../../scripts/datagen/user-agents';
import { cut, parseJsonObjectBody, shown } from '../../web/src/lib/server/json-body';
import { parseReplayCommand } from '../../web/src/lib/server/replay-command';
import { isIpAddress, isUserAgent, isVisitorId } from '../../web/src/lib/request-fields';

const HOSTILE = ['<script>alert(1)</script>', "'; DROP TABLE clicks; --", '{{7*7}}', '../../etc/passwd', 'a\u0000b', 'é'.repeat(20), ''];

describe('click request field formats', () => {
  it('takes the shop visitor ids and plain ids of other front ends as visitor ids, and nothing hostile', () => {
    for (const id of [crypto.randomUUID().toUpperCase(), 'user-42', 'u_1.a:b', 'A'.repeat(128)]) expect(isVisitorId(id), id).toBe(true);
    for (const id of [...HOSTILE, 'A'.repeat(129), '-leading', 'a b']) expect(isVisitorId(id), id).toBe(false);
  });

  it('takes IPv4 and IPv6 addresses only', () => {
    for (const ip of ['1.2.3.4', '255.255.255.255', '0.0.0.0', '::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1']) expect(isIpAddress(ip), ip).toBe(true);
    for (const ip of [...HOSTILE, '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'localhost', ':::', '1::2::3', '::1]/x['])
      expect(isIpAddress(ip), ip).toBe(false);
  });

  it('takes every user agent of the generated click log, browsers and libraries, as RFC 9110 user agents', () => {
    const agents = [
      ...USER_AGENTS.map((a) => a.text),
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/137.0.0.0 Safari/537.36',
      'node',
      'e2e/1.0',
      'Mozilla/5.0 (a (nested) comment \\) with an escape)',
    ];
    for (const ua of agents) expect(isUserAgent(ua), ua).toBe(true);
  });

  it('refuses markup, quotes, braces, paths, control characters and unclosed comments as user agents', () => {
    const bad = [
      ...HOSTILE,
      'Mozilla/5.0 (<script>alert(1)</script>)',
      'Mozilla/5.0 (unclosed',
      'Mozilla/5.0 ((x)',
      'a/b/c',
      'a  ',
      'Mozilla/5.0 (x\u0001)',
      ' a',
    ];
    for (const ua of bad) expect(isUserAgent(ua), ua).toBe(false);
  });
});

describe('JSON request bodies', () => {
  const parse = (type: string | null, text: string) => parseJsonObjectBody(type, text, 64, ['a', 'b']);

  it('checks type, size, syntax, shape and fields in that order, naming the problem', () => {
    expect(parse('application/json', '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parse('text/plain', 'x')).toMatchObject({ ok: false, status: 415, message: expect.stringContaining('text/plain') });
    expect(parse('application/json', `{"a":"${'é'.repeat(40)}"}`)).toMatchObject({ ok: false, status: 413, message: 'body of 88 bytes exceeds 64' });
    expect(parse('application/json', '{"a":')).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('invalid JSON') });
    for (const notObject of ['[]', 'null', '"a"', '7'])
      expect(parse('application/json', notObject)).toMatchObject({ status: 400, message: 'expected a JSON object' });
    expect(parse('application/json', '{"a":1,"<x>":2}')).toMatchObject({ status: 400, message: 'unknown field "<x>": allowed are a, b' });
  });

  it('cuts what it echoes', () => {
    expect(cut('abcdef', 3)).toBe('abc…');
    expect(shown('x'.repeat(100))).toHaveLength(41);
    expect(shown(undefined)).toBe('undefined');
  });
});

describe('replay commands from a request', () => {
  it('refuses arrays and echoes a hostile action cut short', () => {
    expect(parseReplayCommand([])).toMatchObject({ ok: false, reason: 'expected an object with an action' });
    const r = parseReplayCommand({ action: 'x'.repeat(1000) });
    expect(r.ok ? '' : r.reason).toMatch(/^action must be pause, resume or speed, got "x{39}…$/);
    const pace = parseReplayCommand({ action: 'speed', pace: { mode: 'fixed', rate: 'y'.repeat(1000) } });
    expect(pace.ok ? 0 : pace.reason.length).toBeLessThan(140);
  });
});
