import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestionActivities } from '../../activities/ingestion/ingestion-activities';
import { createRedis } from '../../clients/redis';
import { connectTemporal, connectWorkerTemporal } from '../../clients/temporal';
import { loadConfig } from '../../lib/config';
import { ingestionProgressQuery } from '../../lib/ingestion/ingestion-progress';
import { ingestDataWorkflow } from '../../workflows/ingest-data.workflow';
import { uniqueName } from './support';

// A Redis database of its own, so the comparison sees only what ingestion wrote.
const config = loadConfig({ ...process.env, REDIS_DB: '2' });
const redis = createRedis(config.redis);
const dir = mkdtempSync(join(tmpdir(), 'ingestion-'));
const productsFile = join(dir, 'products.json');
const visitorsFile = join(dir, 'users.json');
const guid = (i: number) => `${i.toString(16).toUpperCase().padStart(8, '0')}-0000-4000-8000-000000000000`;

async function redisContent(): Promise<Record<string, Record<string, string>>> {
  const keys = (await redis.keys('*')).sort();
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.hgetall(k);
  const hashes = (await pipeline.exec())!.map(([, h]) => h as Record<string, string>);
  return Object.fromEntries(keys.map((k, i) => [k, hashes[i]!]));
}

describe('data ingestion workflow', () => {
  beforeAll(async () => {
    await redis.flushdb();
    const products = [
      { id: 'VD00000001', category: 'clothing', title: 'Shirt', description: '', image: '/i/1.svg', priceCents: 1999 },
      { id: 'VD00000002', category: 'shoes', title: 'Boot', description: '', image: '/i/2.svg', priceCents: 5999 },
      { id: 'VD00000003', category: 'pets', title: 'Leash', description: '', image: '/i/3.svg', priceCents: 999 },
    ];
    writeFileSync(productsFile, JSON.stringify(products));
    const lines = Array.from({ length: 2_500 }, (_, i) =>
      JSON.stringify({ userId: guid(i), ...(i % 10 ? { gender: i % 2 ? 'M' : 'F' } : {}), ...(i % 7 ? { birthDate: '1985-03-0' + ((i % 9) + 1) } : {}) }),
    );
    lines.splice(1000, 0, '{"userId": "not-a-guid"}', 'garbage', '');
    writeFileSync(visitorsFile, lines.join('\n') + '\n');
  });

  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
  });

  it('loads valid records, reports rejects by query, and a second run leaves the same content', async () => {
    const taskQueue = uniqueName('it-ingest');
    const worker = await Worker.create({
      connection: await connectWorkerTemporal(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      activities: createIngestionActivities({ redis }),
    });
    const client = await connectTemporal(config.temporal);

    const runOnce = async () => {
      const handle = await client.workflow.start(ingestDataWorkflow, {
        taskQueue,
        workflowId: uniqueName('ingest'),
        args: [{ productsFile, visitorsFile, batchLines: 700 }],
      });
      const report = await handle.result();
      return { report, queried: await handle.query(ingestionProgressQuery) };
    };

    const { first, second, afterFirst, afterSecond } = await worker.runUntil(async () => {
      const first = await runOnce();
      const afterFirst = await redisContent();
      const second = await runOnce();
      return { first, second, afterFirst, afterSecond: await redisContent() };
    });
    await client.connection.close();

    expect(first.report.products).toEqual({ loaded: 2, rejected: 1 });
    expect(first.report.visitors).toEqual({ loaded: 2_500, rejected: 2, total: 2_503 });
    expect(first.report.rejections.map((r) => r.reason)).toEqual([
      expect.stringContaining('category must be one of'),
      expect.stringContaining('userId must be an upper-case GUID'),
      expect.stringContaining('invalid JSON'),
    ]);
    expect(first.report.rejections[1]?.origin).toBe(`${visitorsFile}:1001`);
    expect(first.queried).toEqual(first.report);
    expect(second.report).toEqual(first.report);

    expect(afterFirst['product:VD00000002']).toEqual({ cat: 'shoes', title: 'Boot' });
    expect(afterFirst[`visitor:${guid(1)}`]).toEqual({ gender: 'M', birthday: '1985-03-02' });
    expect(afterFirst).not.toHaveProperty('product:VD00000003');
    expect(afterSecond).toEqual(afterFirst);
  });
});
