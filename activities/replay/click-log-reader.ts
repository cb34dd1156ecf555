/**
 * Streams the click log's records from a byte offset, each with the offset just past it, so a
 * replay can stop after any record and carry on there later. Memory stays bounded by the stream's
 * buffer whatever the file's size.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Yields the data records from `start`; at 0 the first record must be the header, and is skipped. */
export async function* readClickLog(file: string, start: number): AsyncGenerator<LogRecord> {
  const records = readAll(file, start);
  if (start === 0) {
    const first = await records.next();
    if (first.done || !first.value.ok || !isClickLogHeader(first.value.fields)) {
      await records.return(undefined);
      // A wrong or empty file stays wrong: retrying would not help.
      throw ApplicationFailure.nonRetryable(`${file} is not a click log: its first row must be the header ${CLICK_LOG_COLUMNS.join(',')}`);
    }
  }
  yield* records;
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
