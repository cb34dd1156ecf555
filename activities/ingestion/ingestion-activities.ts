import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import type { BatchResult, Rejection } from '../../lib/ingestion/ingestion-progress';
import type { LookupsMarker } from '../../lib/ingestion/lookups-marker';
import { parseProduct, parseVisitorLine } from '../../lib/ingestion/parse-records';
import { LOOKUPS_LOADED_KEY, productHash, productKey, visitorHash, visitorKey } from '../../lib/redis-keys';

/** Redis commands per pipeline: large enough to amortise round trips, small enough to stay responsive. */
const PIPELINE_SIZE = 1_000;

export function createIngestionActivities({ redis }: { redis: Redis }) {
  /**
   * DEL then HSET, so a re-run leaves exactly the file's fields, whatever an older run wrote; in a
   * MULTI, so enrichment never reads a key between the two and calls a known id unknown.
   */
  async function replaceHashes(entries: [key: string, hash: Record<string, string>][]): Promise<void> {
    for (let i = 0; i < entries.length; i += PIPELINE_SIZE) {
      const tx = redis.multi();
      for (const [key, hash] of entries.slice(i, i + PIPELINE_SIZE)) {
        tx.del(key);
        if (Object.keys(hash).length > 0) tx.hset(key, hash);
      }
      const results = await tx.exec();
      if (!results) throw new Error('Redis discarded the ingestion transaction');
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    }
  }

  return {
    async loadProducts(file: string): Promise<BatchResult> {
      let list: unknown;
      try {
        list = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file} is not readable JSON: ${(err as Error).message}`);
      }
      if (!Array.isArray(list)) throw new Error(`${file} must hold a JSON array of products`);
      const rejected: Rejection[] = [];
      const entries: [string, Record<string, string>][] = [];
      list.forEach((raw, i) => {
        const parsed = parseProduct(raw);
        if (parsed.ok) entries.push([productKey(parsed.value.id), productHash(parsed.value)]);
        else rejected.push({ origin: `${file}[${i}]`, reason: parsed.reason });
      });
      await replaceHashes(entries);
      return { loaded: entries.length, rejected };
    },

    async countLines(file: string): Promise<number> {
      let lines = 0;
      for await (const _ of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines++;
      return lines;
    },

    /** Loads lines [fromLine, toLine) of an NDJSON visitors file (0-based); blank lines are skipped. */
    async loadVisitors({ file, fromLine, toLine }: { file: string; fromLine: number; toLine: number }): Promise<BatchResult> {
      const rejected: Rejection[] = [];
      const entries: [string, Record<string, string>][] = [];
      let lineNo = -1;
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        lineNo++;
        if (lineNo < fromLine || line.trim() === '') continue;
        if (lineNo >= toLine) break;
        const parsed = parseVisitorLine(line);
        if (parsed.ok) entries.push([visitorKey(parsed.value.userId), visitorHash(parsed.value)]);
        else rejected.push({ origin: `${file}:${lineNo + 1}`, reason: parsed.reason });
      }
      await replaceHashes(entries);
      return { loaded: entries.length, rejected };
    },

    /** Written last: enrichment trusts a missing product or visitor only while this marker is there. */
    async markLookupsLoaded(marker: LookupsMarker): Promise<void> {
      await redis.set(LOOKUPS_LOADED_KEY, JSON.stringify(marker));
    },
  };
}

export type IngestionActivities = ReturnType<typeof createIngestionActivities>;
