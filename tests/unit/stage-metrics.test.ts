/**
 * What the stage runtime counts (clients/streams/stage-metrics.ts), on the in-memory broker with
 * fake timers: records in, out and dead-lettered with bounded reasons, transactions committed and
 * aborted (a fenced zombie), commits, rebalances, assigned partitions, a worker rejoining, and lag.
 */
import type { Counter, Gauge } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StageTestDriver, testStage, type ProcessorFactory } from '../../clients/streams/testing/stage-test-driver';
import { boundedReason, stageMetrics } from '../../clients/streams/stage-metrics';
import { MAX_REASONS_PER_STAGE, reasonLabel } from '../../lib/metrics';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const stage = testStage({ kind: 'enrichment', summary: 'copies each record', store: null });

/** One output per record; values starting with "bad" are dead letters with an id in the reason. `hold` keeps a worker's batch open after its work. */
function copying(hold?: { worker: string; gate: Promise<void>; reached: () => void }): ProcessorFactory {
  return ({ name }) => ({
    stage,
    async process(records, ctx) {
      for (const r of records) {
        const value = r.value!.toString();
        if (value.startsWith('bad')) ctx.deadLetter(r, `unknown product ${value}`);
        else ctx.emit('out', { key: r.key, value, partition: ctx.partition });
      }
      if (hold?.worker === name) {
        hold.reached();
        await hold.gate;
      }
    },
  });
}

async function values(metric: Counter | Gauge): Promise<Record<string, number>> {
  const { values } = await metric.get();
  return Object.fromEntries(values.filter((v) => v.value !== 0).map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('stage metrics', () => {
  it('counts records in, out and dead-lettered, commits and transactions; a fenced zombie aborts', async () => {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = new Promise<void>((r) => (reached = r));
    const driver = new StageTestDriver(copying({ worker: 'A', gate, reached }), { stage, partitions: 2, maxBatch: 4 });
    await driver.startWorker('A');
    expect(await values(stageMetrics.assignedPartitions)).toEqual({ enrichment: 2 });
    // A holds its batches; killed, its session expires and B takes both partitions over.
    driver.pipeInput('in', [
      { key: 'k', value: 'v0', partition: 0 },
      { key: 'k', value: 'bad-1', partition: 0 },
      { key: 'k', value: 'v2', partition: 1 },
      { key: 'k', value: 'bad-2', partition: 1 },
      { key: 'k', value: 'bad-3', partition: 1 },
    ]);
    void driver.pump();
    await held;
    driver.killWorker('A');
    await driver.startWorker('B');
    await driver.expireSessions();
    await driver.pump();
    release();
    await driver.settle();

    // B did everything once; A's held batches (both partitions, in flight at once) were counted in, then fenced at commit.
    expect(
      driver
        .readOutput('out')
        .map((r) => r.value!.toString())
        .sort(),
    ).toEqual(['v0', 'v2']);
    const recordsIn = await values(stageMetrics.recordsIn);
    expect(Object.values(recordsIn).reduce((a, b) => a + b, 0)).toBe(10);
    expect(await values(stageMetrics.recordsOut)).toEqual({ 'enrichment/0/out': 1, 'enrichment/1/out': 1 });
    expect(await values(stageMetrics.deadLetters)).toEqual({ 'enrichment/0/unknown product': 1, 'enrichment/1/unknown product': 2 });
    const transactions = await values(stageMetrics.transactions);
    expect(transactions['enrichment/committed']).toBe(2);
    expect(transactions['enrichment/aborted']).toBe(2);
    expect(await values(stageMetrics.commits)).toEqual({ 'enrichment/0': 1, 'enrichment/1': 1 });
    expect((await values(stageMetrics.rebalances)).enrichment).toBeGreaterThanOrEqual(2);
    expect((await stageMetrics.batchRecords.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(4);
    await driver.close();
  });

  it('measures lag apart from the consumer: records waiting on a held partition', async () => {
    const driver = new StageTestDriver(copying(), { stage, partitions: 1, maxBatch: 100 });
    await driver.startWorker('A');
    driver.pipeInput('in', ['a', 'b', 'c']);
    await driver.pump();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await values(stageMetrics.lag)).toEqual({});
    const checked = (await stageMetrics.lagCheckedAt.get()).values[0]!.value;
    expect(checked).toBeGreaterThan(0);
    // Records arrive and are not fetched (nothing pumps): the lag check sees them anyway.
    driver.pipeInput('in', ['d', 'e', 'f', 'g']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await values(stageMetrics.lag)).toEqual({ 'enrichment/0': 4 });
    expect((await stageMetrics.lagCheckedAt.get()).values[0]!.value).toBeGreaterThan(checked);
    await driver.close();
  });

  it('a consumer the watchdog gave up is rejoining, holding nothing, until it joins again', async () => {
    const driver = new StageTestDriver(copying(), { stage, partitions: 2, sessionTimeoutMs: 10_000 });
    const a = await driver.startWorker('A');
    await driver.pump();
    expect(await values(stageMetrics.assignedPartitions)).toEqual({ enrichment: 2 });
    expect(await values(stageMetrics.rejoining)).toEqual({});

    // Stuck, and its cluster gone: the watchdog drops the partitions, and the new consumer cannot join.
    a.link.stalled = true;
    a.link.unreachable = true;
    await vi.advanceTimersByTimeAsync(11_000);
    expect(await values(stageMetrics.assignedPartitions)).toEqual({});
    expect(await values(stageMetrics.rejoining)).toEqual({ enrichment: 1 });
    await vi.advanceTimersByTimeAsync(11_000);
    expect(await values(stageMetrics.rejoining)).toEqual({ enrichment: 1 });

    // The cluster answers again: the next try joins, and the worker holds its partitions.
    a.link.unreachable = false;
    await vi.advanceTimersByTimeAsync(11_000);
    await driver.pump();
    expect(await values(stageMetrics.assignedPartitions)).toEqual({ enrichment: 2 });
    expect(await values(stageMetrics.rejoining)).toEqual({});
    await driver.close();
  });
});

describe('bounded labels', () => {
  it('a dead-letter reason keeps its leading words, not the values in it', () => {
    expect(reasonLabel('unknown product p-123')).toBe('unknown product');
    expect(reasonLabel('invalid JSON: Unexpected token } in JSON at position 3')).toBe('invalid JSON');
    expect(reasonLabel('message of 70000 bytes exceeds 65536')).toBe('message of');
    expect(reasonLabel('expected a JSON object')).toBe('expected a JSON object');
    expect(reasonLabel('"quoted" first')).toBe('other');
  });

  it('a stage reports at most MAX_REASONS_PER_STAGE reasons, then other', () => {
    const labels = Array.from({ length: MAX_REASONS_PER_STAGE + 5 }, (_, i) =>
      boundedReason('detection', `reason ${String.fromCharCode(97 + (i % 26))}${'x'.repeat(Math.floor(i / 26))} at 1`),
    );
    expect(new Set(labels).size).toBe(MAX_REASONS_PER_STAGE + 1);
    expect(labels.slice(-5)).toEqual(Array(5).fill('other'));
  });
});
