/**
 * Streams the click log's records from a byte offset, each with the offset just past it, so a
 * replay can stop after any record and carry on there later. Memory stays bounded by a block of
 * the file whatever the file's size.
 *
 * Records come in batches, one per block read, so a replay at its max pace pays one promise per
 * block rather than per record. A line in the log's usual shape (no quote, or whole quoted fields
 * with "" inside) is split here; any other (a stray or unclosed quote, a carriage return, a very
 * long line, the last line without its newline) is read by csv-parse from where it starts, which
 * then hands back after that one record: what comes out is the same as csv-parse over the file.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { ApplicationFailure } from '@temporalio/activity';
import { CsvError, parse, type Info } from 'csv-parse';
import { isClickLogHeader } from '../../lib/replay/click-log-row';
import { CLICK_LOG_COLUMNS, MAX_MESSAGE_BYTES } from '../../lib/schema';

export type LogRecord =
  | { ok: true; fields: string[]; raw: string; end: number }
  /** A record the CSV parser could not read: the line it starts on, skipped. */
  | { ok: false; reason: string; raw: string; end: number };

/** What the parser emits with `info` and `raw` on. */
interface ParsedRecord {
  record: string[];
  raw: string;
  info: Info;
}

interface Unreadable {
  reason: string;
  /** Where the unreadable record starts. */
  at: number;
}

/** Bytes read at a time: about 280 rows of the generated log. */
const BLOCK_BYTES = 64 * 1024;
/** Longer lines go to csv-parse: far below MAX_MESSAGE_BYTES, so a line split here is never too long. */
const SPLIT_LINE_MAX_BYTES = 8 * 1024;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Yields the data records from `start`; at 0 the first record must be the header, and is skipped. */
export async function* readClickLog(file: string, start: number): AsyncGenerator<LogRecord> {
  for await (const batch of readClickLogBatches(file, start)) yield* batch;
}

/** readClickLog's records, in batches of those read together (never empty). */
export async function* readClickLogBatches(file: string, start: number): AsyncGenerator<LogRecord[]> {
  const batches = readBatches(file, start);
  if (start === 0) {
    const first = await batches.next();
    const header = first.done ? undefined : first.value[0]!;
    if (!header?.ok || !isClickLogHeader(header.fields)) {
      await batches.return(undefined);
      // A wrong or empty file stays wrong: retrying would not help.
      throw ApplicationFailure.nonRetryable(`${file} is not a click log: its first row must be the header ${CLICK_LOG_COLUMNS.join(',')}`);
    }
    if (first.value!.length > 1) yield first.value!.slice(1);
  }
  yield* batches;
}

/** Every record to the end, a block at a time; what the splitter declines, csv-parse reads. */
async function* readBatches(file: string, start: number): AsyncGenerator<LogRecord[]> {
  let handle: FileHandle;
  try {
    handle = await open(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable(`click log ${file} not found`);
    throw err;
  }
  try {
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    let offset = start;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, BLOCK_BYTES, offset);
      if (bytesRead === 0) return;
      const batch: LogRecord[] = [];
      let pos = 0;
      let declined = false;
      for (;;) {
        const newline = block.indexOf(NEWLINE, pos);
        if (newline === -1 || newline >= bytesRead) break;
        // An empty line is skipped, as csv-parse's skip_empty_lines does.
        if (newline > pos) {
          const line = newline - pos <= SPLIT_LINE_MAX_BYTES ? block.toString('utf8', pos, newline) : undefined;
          const fields = line === undefined ? undefined : splitCsvLine(line);
          if (fields === undefined) {
            declined = true;
            break;
          }
          batch.push({ ok: true, fields, raw: line!.trimEnd(), end: offset + newline + 1 });
        }
        pos = newline + 1;
      }
      offset += pos;
      if (batch.length > 0) yield batch;
      // A line the splitter declined, longer than a block, or the last one without its newline.
      if (declined || pos === 0) {
        const record = await readOneRecord(file, offset);
        if (record === undefined) return;
        yield [record];
        offset = record.end;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The fields of a line as csv-parse reads them, for the shapes it reads plainly: unquoted fields
 * without a quote, and fields quoted whole with "" for a quote inside. Undefined for any other
 * line, which csv-parse then reads itself (a stray quote kept as text, a quote never closed).
 */
export function splitCsvLine(line: string): string[] | undefined {
  // A carriage return may be a record delimiter and a BOM is stripped: csv-parse's to judge.
  if (line.includes('\r') || line.charCodeAt(0) === 0xfeff) return undefined;
  const fields: string[] = [];
  const length = line.length;
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) return undefined;
        if (line.charCodeAt(quote + 1) === QUOTE) {
          value += line.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += line.slice(from, quote);
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === length) return fields;
      if (line.charCodeAt(i) !== COMMA) return undefined;
      i += 1;
    } else {
      const comma = line.indexOf(',', i);
      const value = line.slice(i, comma === -1 ? length : comma);
      if (value.includes('"')) return undefined;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/** The one record (or unreadable line) csv-parse reads from `start`; undefined at the end of the file. */
async function readOneRecord(file: string, start: number): Promise<LogRecord | undefined> {
  const records = readAll(file, start);
  try {
    const first = await records.next();
    return first.done ? undefined : first.value;
  } finally {
    await records.return(undefined);
  }
}

/** Every record to the end; an unreadable one costs its first line, and reading goes on after it. */
async function* readAll(file: string, start: number): AsyncGenerator<LogRecord> {
  let offset = start;
  for (;;) {
    const unreadable = yield* readRecords(file, offset);
    if (unreadable === null) return;
    const line = await readLineAt(file, unreadable.at);
    yield { ok: false, reason: unreadable.reason, raw: line.text, end: line.end };
    offset = line.end;
  }
}

/** Records from `start` to `end` (exclusive; default the end of file), until the first unreadable one. */
async function* readRecords(file: string, start: number, end?: number): AsyncGenerator<LogRecord, Unreadable | null> {
  // Lenient: a stray quote stays text and a short or long row comes as it is, for the row parser to
  // judge. What still fails is a quote never closed, or a record too long to be a click.
  let parsedEnd = start;
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_MESSAGE_BYTES,
    // Sees each record as soon as it is parsed, before the stream buffers it.
    on_record: (parsed, { bytes }) => {
      parsedEnd = start + bytes;
      return parsed;
    },
  });
  const input = createReadStream(file, { start, ...(end === undefined ? {} : { end: end - 1 }) });
  // pipeline, unlike pipe, passes a read error (a missing file) on to the records' iterator.
  const records = pipeline(input, parser, () => {});
  let yieldedEnd = start;
  try {
    for await (const { record, raw, info } of records as AsyncIterable<ParsedRecord>) {
      yieldedEnd = start + info.bytes;
      yield { ok: true, fields: record, raw: raw.trimEnd(), end: yieldedEnd };
    }
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable(`click log ${file} not found`);
    if (!(err instanceof CsvError)) throw err;
    // A failed parser drops the records it had parsed but not yet handed over: read them again.
    if (parsedEnd > yieldedEnd) yield* readRecords(file, yieldedEnd, parsedEnd);
    return { reason: `unreadable CSV: ${err.message}`, at: parsedEnd };
  } finally {
    records.destroy();
  }
}

/** The line starting at `at` (at most MAX_MESSAGE_BYTES of it), and the offset after it. */
async function readLineAt(file: string, at: number): Promise<{ text: string; end: number }> {
  const handle = await open(file);
  try {
    const buffer = Buffer.alloc(MAX_MESSAGE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    const newline = buffer.subarray(0, bytesRead).indexOf('\n');
    const length = newline === -1 ? bytesRead : newline + 1;
    return { text: buffer.toString('utf8', 0, length).trimEnd(), end: at + length };
  } finally {
    await handle.close();
  }
}
