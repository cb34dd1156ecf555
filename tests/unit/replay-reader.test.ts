import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { readClickLog, splitCsvLine, type LogRecord } from '../../activities/replay/click-log-reader';
import { CLICK_LOG_COLUMNS } from '../../lib/schema';

const dir = mkdtempSync(path.join(tmpdir(), 'replay-reader-'));
const HEADER = `${CLICK_LOG_COLUMNS.join(',')}\n`;
const row = (i: number) => `${1_780_000_000 + i},{ID-${i}},10.0.0.${i % 250},"Mozilla/5.0 (X11, ""Linux"")",http://www.acme.com/shoes/P${i}\n`;
const rows = (n: number, special: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => special[i + 1] ?? row(i + 1)).join('');

function logFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function readAll(file: string, start = 0, pause?: () => Promise<void>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const record of readClickLog(file, start)) {
    out.push(record);
    await pause?.();
  }
  return out;
}

const rowNumbers = (records: LogRecord[]) => records.map((r) => (r.ok ? Number(r.fields[0]) - 1_780_000_000 : -1));

describe('readClickLog', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips the header and gives each record with the offset just past it', async () => {
    const file = logFile('plain.csv', HEADER + rows(3));
    const records = await readAll(file);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      ok: true,
      fields: ['1780000001', '{ID-1}', '10.0.0.1', 'Mozilla/5.0 (X11, "Linux")', 'http://www.acme.com/shoes/P1'],
      raw: row(1).trimEnd(),
      end: Buffer.byteLength(HEADER + row(1)),
    });
    expect(records[2]!.end).toBe(Buffer.byteLength(HEADER + rows(3)));
  });

  it('carries on exactly after any record, multi-byte characters included', async () => {
    const file = logFile('resume.csv', HEADER + rows(200, { 50: '1780000050,{ID-50},10.0.0.1,Mozilla “ü€”,http://www.acme.com/shoes/P50\n' }));
    const all = await readAll(file);
    for (const k of [0, 49, 50, 137, 198]) {
      expect(rowNumbers(await readAll(file, all[k]!.end))).toEqual(rowNumbers(all.slice(k + 1)));
    }
  });

  it('keeps a stray quote as text and a short row as it is, for the row parser to judge', async () => {
    const file = logFile('lenient.csv', HEADER + rows(3, { 2: '1780000002,{ID-2},Mozilla "5",http://www.acme.com/shoes/P2\n' }));
    const records = await readAll(file);
    expect(records[1]).toMatchObject({ ok: true, fields: ['1780000002', '{ID-2}', 'Mozilla "5"', 'http://www.acme.com/shoes/P2'] });
  });

  it('skips the line of a quote never closed and reads on after it, losing no record the parser had buffered', async () => {
    // No other quote in the file: the open one swallows what follows, until the record is too long.
    const bad = '1780001500,{ID-1500},10.0.0.1,"Mozilla,http://www.acme.com/shoes/P1500\n';
    const file = logFile('unclosed.csv', HEADER + rows(3000).replaceAll('"', '').replace(row(1500).replaceAll('"', ''), bad));
    // A slow reader, as the replay is while Kafka acknowledges: the parser's buffer stays full.
    const records = await readAll(file, 0, () => new Promise((resolve) => setImmediate(resolve)));
    expect(records).toHaveLength(3000);
    expect(records[1499]).toMatchObject({ ok: false, raw: bad.trimEnd(), reason: expect.stringMatching(/^unreadable CSV: Max Record Size/) });
    expect(rowNumbers(records).filter((n) => n > 0)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1).filter((n) => n !== 1500));

    const atTheEnd = logFile('unclosed-end.csv', HEADER + rows(30).replaceAll('"', '').replace(row(30).replaceAll('"', ''), bad));
    expect((await readAll(atTheEnd)).at(-1)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unreadable CSV: Quote Not Closed/) });
  });

  it('refuses a file without the header, or no file at all, for good', async () => {
    await expect(readAll(logFile('users.json', '{"userId":"X"}\n'))).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringContaining('is not a click log'),
    });
    await expect(readAll(logFile('empty.csv', ''))).rejects.toMatchObject({ nonRetryable: true });
    await expect(readAll(path.join(dir, 'missing.csv'))).rejects.toMatchObject({ nonRetryable: true, message: expect.stringContaining('not found') });
  });

  it('reads what csv-parse reads over the whole file, whatever the lines hold', async () => {
    // A deterministic generator: lines of fields, quotes, commas, spaces, multi-byte characters, empty lines.
    let seed = 12345;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % n;
    const pieces = ['a', 'bc', ',', '"', '""', ' ', 'ü', '€', 'x"y', ',"q,r",', '"s""t"'];
    const line = () => (random(12) === 0 ? '' : Array.from({ length: 1 + random(8) }, () => pieces[random(pieces.length)]).join(''));
    let compared = 0;
    for (let round = 0; round < 60; round++) {
      const body = Array.from({ length: 60 }, line).join('\n') + '\n';
      let expected: { fields: string[]; end: number }[];
      try {
        const parsed = parse(HEADER + body, { bom: true, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as unknown as {
          record: string[];
          info: { bytes: number };
        }[];
        expected = parsed.slice(1).map(({ record, info }) => ({ fields: record, end: info.bytes }));
      } catch {
        continue; // a quote never closed: the test above covers what the reader does then
      }
      const records = await readAll(logFile(`random-${round}.csv`, HEADER + body));
      expect(records.map((r) => ({ fields: r.ok ? r.fields : r.reason, end: r.end }))).toEqual(expected);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
    // 60 files written and read: seconds on a loaded machine, against vitest's 5 s default.
  }, 30_000);

  it('splits only the lines it reads as csv-parse does', () => {
    expect(splitCsvLine('a,"b,""c""",,d,')).toEqual(['a', 'b,"c"', '', 'd', '']);
    expect(splitCsvLine('""')).toEqual(['']);
    for (const declined of ['a,b"c', '"a"b', '"a', 'a\r', '\ufeffa', ' "a"']) expect(splitCsvLine(declined)).toBeUndefined();
  });
});
