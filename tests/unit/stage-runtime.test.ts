/**
 * The stage runtime's protocol (clients/streams/stage-runtime.ts) on the in-memory broker:
 * assignment, crashes and zombies, fencing, restore, stale offsets, failed batches, at-least-once
 * progress, punctuation and dead letters, with exact counts and offsets. Fake timers throughout:
 * nothing waits on the clock unless a test advances it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Processor, ProcessContext, StageRecord } from '../../clients/streams/processor';
import { StageTestDriver, TEST_CHANGELOG, testStage, type ProcessorFactory } from '../../clients/streams/testing/stage-test-driver';
import type { StageSpec } from '../../lib/topology';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Gates a test arms to hold a worker's batch inside `process`, after its work, before it returns. */
class Gates {
  private readonly armed = new Map<string, { skip: number; reached: () => void; gate: Promise<void> }>();
  private readonly releases: (() => void)[] = [];

  /** Holds the worker's batch after `skip` more batches pass. */
  arm(worker: string, skip = 0): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.releases.push(release);
    const reachedPromise = new Promise<void>((r) => (reached = r));
    this.armed.set(worker, { skip, reached, gate });
    return { reached: reachedPromise, release };
  }

  async pass(worker: string): Promise<void> {
    const armed = this.armed.get(worker);
    if (!armed) return;
    if (armed.skip-- > 0) return;
    this.armed.delete(worker);
    armed.reached();
    await armed.gate;
  }
}

interface Probe {
  events: string[];
  processed: { worker: string; partition: number; offsets: number[] }[];
  gates: Gates;
}

const newProbe = (): Probe => ({ events: [], processed: [], gates: new Gates() });

/**
 * One output per input on `out` (same partition), and a count per key in the store. Values
 * starting with "bad" go to the dead-letter topic instead.
 */
function counting(spec: StageSpec, probe: Probe, extra: Partial<Processor> = {}): ProcessorFactory {
  return ({ name }) => {
    const counts = new Map<number, Map<string, number>>();
    return {
      stage: spec,
      async open(partition, store) {
        counts.set(partition, new Map((await store!.entries()).map(([k, v]) => [k, Number(v)])));
        probe.events.push(`${name} open ${partition}`);
      },
      async process(records, ctx) {
        probe.processed.push({ worker: name, partition: ctx.partition, offsets: records.map((r) => Number(r.offset)) });
        const state = counts.get(ctx.partition)!;
        for (const r of records) {
          const value = r.value!.toString();
          if (value.startsWith('bad')) {
            ctx.deadLetter(r, `bad value ${value}`);
            continue;
          }
          const key = r.key!.toString();
          const n = (state.get(key) ?? 0) + 1;
          state.set(key, n);
          ctx.store!.put(key, String(n));
          ctx.emit('out', { key, value, partition: ctx.partition });
        }
        await probe.gates.pass(name);
      },
      committed: (partition) => probe.events.push(`${name} committed ${partition}`),
      close(partition) {
        counts.delete(partition);
        probe.events.push(`${name} close ${partition}`);
      },
      ...extra,
    };
  };
}

/** `n` records, keys k0..k(keys-1) in turn, values v0..v(n-1), partition i mod `partitions`. */
const records = (n: number, { keys = 5, partitions = 1, from = 0 } = {}) =>
  Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return { key: `k${i % keys}`, value: `v${i}`, partition: i % partitions };
  });

const values = (driver: StageTestDriver, topic: string) => driver.readOutput(topic).map((r) => r.value!);
const sorted = (xs: string[]) => [...xs].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
const vs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `v${from + i}`);
const total = (states: Map<string, string>[]) => states.reduce((sum, s) => sum + [...s.values()].reduce((a, v) => a + Number(v), 0), 0);

/**
 * One partition, A then B: A's second batch (offsets 3..5) hangs after its work, A is killed, its
 * session expires, and B takes the partition over and processes all six records. `held` wakes A.
 */
async function zombieAfterTakeOver() {
  const probe = newProbe();
  const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 3 });
  await driver.startWorker('A');
  await driver.startWorker('B');
  driver.pipeInput('in', records(6));
  const held = probe.gates.arm('A', 1);
  await driver.pump();
  await held.reached;
  driver.killWorker('A');
  await driver.expireSessions();
  await driver.pump();
  return { driver, held };
}

describe('exactly-once', () => {
  it('a worker killed mid-batch: the other takes over, every input counted and output exactly once', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2, maxBatch: 3 });
    await driver.startWorker('A');
    await driver.startWorker('B');
    expect(probe.events).toEqual(['A open 0', 'A open 1', 'A close 1', 'B open 1']);
    driver.pipeInput('in', records(20, { partitions: 2 }));
    // A's second batch of partition 0 (offsets 3..5) hangs after its work: its transaction never commits.
    const held = probe.gates.arm('A', 1);
    await driver.pump();
    await held.reached;
    expect(driver.committedOffsets()).toEqual([3n, 10n]);

    driver.killWorker('A');
    await driver.expireSessions();
    await driver.pump();

    expect(sorted(values(driver, 'out'))).toEqual(vs(0, 20));
    expect(driver.committedOffsets()).toEqual(driver.logEnds('in'));
    expect(driver.committedOffsets()).toEqual([10n, 10n]);
    const state = driver.changelogState();
    expect(total(state)).toBe(20);
    expect(state.map((s) => Object.fromEntries(s))).toEqual([
      { k0: '2', k2: '2', k4: '2', k1: '2', k3: '2' },
      { k1: '2', k3: '2', k0: '2', k2: '2', k4: '2' },
    ]);
    // B took partition 0 from A's last commit: it replayed the 3 changelog records of A's one batch.
    expect(driver.worker('B').link.changelogReads.filter((r) => r.partition === 0)).toEqual([
      { topic: TEST_CHANGELOG, partition: 0, from: 0n, end: 4n, records: 3 },
    ]);
    expect(Object.fromEntries(await driver.worker('B').store.reopen().load(0))).toEqual(Object.fromEntries(state[0]!));
    await driver.close();
  });

  it('fences a zombie: its late commit is rejected and its outputs never show', async () => {
    const { driver, held } = await zombieAfterTakeOver();
    expect(values(driver, 'out')).toEqual(vs(0, 6));
    expect(driver.broker.producerStats('g-p0')).toEqual({ epoch: 2, fences: 2, commits: 2 });

    // The zombie wakes up and commits offsets 3..5 again: fenced.
    held.release();
    await driver.settle();
    expect(driver.worker('A').log.some((l) => l.message.includes('batch not committed'))).toBe(true);
    expect(values(driver, 'out')).toEqual(vs(0, 6));
    expect(driver.broker.journal.filter((j) => j.startsWith('commit g-p0 epoch 1'))).toHaveLength(1);
    expect(driver.committedOffsets()).toEqual([6n]);
    expect(total(driver.changelogState())).toBe(6);
    await driver.close();
  });

  it('a fence aborts the transaction the old owner left open', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 3 });
    await driver.startWorker('A');
    await driver.startWorker('B');
    driver.pipeInput('in', records(3));
    await driver.pump();
    // A's second commit is held with its records sent: an open transaction.
    const open = driver.broker.hold('commit', 'g-p0');
    driver.pipeInput('in', records(3, { from: 3 }));
    await driver.pump();
    await open.reached;
    driver.killWorker('A');
    await driver.expireSessions();
    await driver.pump();
    open.release();
    await driver.settle();
    expect(values(driver, 'out')).toEqual(vs(0, 6));
    expect(driver.committedOffsets()).toEqual([6n]);
    expect(driver.broker.journal.filter((j) => j.startsWith('commit g-p0'))).toEqual([
      'commit g-p0 epoch 1 offsets g in/0 3',
      'commit g-p0 epoch 2 offsets g in/0 6',
    ]);
    await driver.close();
  });

  // After a rejected commit the runtime claims the partition again only while the heartbeat says
  // it is still a member: a zombie that did would fence the new owner, whose next batch would fail.
  it('a fenced zombie does not fence the new owner in turn', async () => {
    const { driver, held } = await zombieAfterTakeOver();
    held.release();
    await driver.settle();
    driver.pipeInput('in', records(3, { from: 6 }));
    await driver.pump();
    expect(values(driver, 'out')).toEqual(vs(0, 9));
    expect(driver.worker('B').log.filter((l) => l.message.includes('batch not committed'))).toEqual([]);
    expect(driver.broker.producerStats('g-p0').fences).toBe(2);
    await driver.close();
  });

  it('a failed commit leaves no output and the state as before; the batch is processed again after the re-claim', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 4 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(4, { keys: 2 }));
    await driver.pump();
    const before = { store: await a.store.reopen().load(0), changelog: driver.changelogState() };
    expect(Object.fromEntries(before.store)).toEqual({ k0: '2', k1: '2' });

    driver.broker.failNextCommit('g-p0');
    const reclaim = driver.broker.hold('fence', 'g-p0');
    driver.pipeInput('in', records(4, { keys: 2, from: 4 }));
    await driver.pump();
    await reclaim.reached;
    expect(values(driver, 'out')).toEqual(vs(0, 4));
    expect(await a.store.reopen().load(0)).toEqual(before.store);
    expect(driver.changelogState()).toEqual(before.changelog);
    expect(driver.committedOffsets()).toEqual([4n]);
    expect(probe.events).toEqual(['A open 0', 'A committed 0', 'A close 0']);

    reclaim.release();
    await driver.pump();
    expect(values(driver, 'out')).toEqual(vs(0, 8));
    expect(probe.events).toEqual(['A open 0', 'A committed 0', 'A close 0', 'A open 0', 'A committed 0']);
    expect(probe.processed.map((p) => p.offsets)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5, 6, 7],
    ]);
    expect(Object.fromEntries(driver.changelogState()[0]!)).toEqual({ k0: '4', k1: '4' });
    expect(driver.committedOffsets()).toEqual([8n]);
    await driver.close();
  });

  it('skips stale offsets: a batch starting below the committed offset processes only the fresh records', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2, maxBatch: 20 });
    await driver.startWorker('A');
    driver.pipeInput(
      'in',
      records(10, { partitions: 1 }).map((r) => ({ ...r, partition: 1 })),
    );
    const held = probe.gates.arm('A');
    await driver.pump();
    await held.reached;
    // B joins and gets partition 1 at committed offset 0, while A's batch 0..9 is still in flight.
    const fence = driver.broker.hold('fence', 'g-p1');
    await driver.startWorker('B');
    await fence.reached;
    held.release();
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([0n, 10n]);
    driver.pipeInput(
      'in',
      records(5, { from: 10 }).map((r) => ({ ...r, partition: 1 })),
    );
    fence.release();
    await driver.pump();

    const b = driver.worker('B');
    expect(b.link.batches.map((x) => [x.partition, x.offsets[0], x.nextOffset])).toEqual([[1, 0n, 15n]]);
    expect(probe.processed.filter((p) => p.worker === 'B')).toEqual([{ worker: 'B', partition: 1, offsets: [10, 11, 12, 13, 14] }]);
    expect(values(driver, 'out')).toEqual(vs(0, 15));
    expect(driver.committedOffsets()).toEqual([0n, 15n]);
    expect(total(driver.changelogState())).toBe(15);
    await driver.close();
  });

  it('drops and re-claims every partition when the worker rejoins with a new member id', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2, maxBatch: 10 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(6, { keys: 2, partitions: 2 }));
    await driver.pump();
    const member = a.link.memberId;
    probe.events.length = 0;

    // Paused past its session: the group forgets it; awake again, it joins with a new id.
    driver.pauseWorker('A');
    await driver.expireSessions();
    driver.resumeWorker('A');
    await driver.pump();
    expect(a.link.memberId).not.toBe(member);
    expect(probe.events).toEqual(['A close 0', 'A close 1', 'A open 0', 'A open 1']);
    expect(a.log.filter((l) => l.message.includes('partitions assigned')).at(-1)?.meta).toMatchObject({ partitions: [0, 1], dropped: [0, 1], rejoined: true });
    expect(driver.broker.producerStats('g-p0').fences).toBe(2);

    // The counts go on from the store.
    driver.pipeInput('in', records(6, { keys: 2, partitions: 2, from: 6 }));
    await driver.pump();
    expect(driver.changelogState().map((s) => Object.fromEntries(s))).toEqual([{ k0: '6' }, { k1: '6' }]);
    expect(driver.committedOffsets()).toEqual([6n, 6n]);
    await driver.close();
  });

  it("a batch in flight across its worker's rejoin: the new claim does its records again, and the partition goes on, every record once", async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 3 });
    await driver.startWorker('A');
    driver.pipeInput('in', records(6));
    const held = probe.gates.arm('A', 1);
    await driver.pump();
    await held.reached;

    // Paused past its session with offsets 3..5 in flight: awake again, it joins with a new id and
    // claims the partition anew; the held batch, released, must not undo that claim.
    driver.pauseWorker('A');
    await driver.expireSessions();
    driver.resumeWorker('A');
    await driver.pump();
    held.release();
    await driver.settle();

    // The new claim did the held records, and does what comes next: every record once.
    driver.pipeInput('in', records(3, { from: 6 }));
    await driver.pump();
    expect(driver.committedOffsets()).toEqual([9n]);
    expect(values(driver, 'out')).toEqual(vs(0, 9));
    expect(total(driver.changelogState())).toBe(9);
    await driver.close();
  });

  it('dead letters carry the reason and the origin <input>/<partition>@<offset>, in the batch transaction', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1 });
    await driver.startWorker('A');
    driver.pipeInput('in', [
      { key: 'k0', value: 'v0' },
      { key: 'k0', value: 'bad1' },
      { key: 'k0', value: 'v2' },
    ]);
    await driver.pump();
    const dead = driver.readOutput('dead');
    expect(dead.map((d) => d.key)).toEqual(['in/0@1']);
    expect(JSON.parse(dead[0]!.value!)).toEqual({ stage: 'aggregation', reason: 'bad value bad1', payload: 'bad1', origin: 'in/0@1', timestamp: Date.now() });
    expect(values(driver, 'out')).toEqual(['v0', 'v2']);
    expect(driver.broker.journal.filter((j) => !j.startsWith('fence'))).toEqual(['send in/0 x3', 'commit g-p0 epoch 1 offsets g in/0 3']);
    await driver.close();
  });
});

describe('restore', () => {
  it('a restart with the local store replays the changelog since its checkpoint; a lost store replays all; both reach the same state', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 5 });
    const a = await driver.startWorker('A');
    expect(a.link.changelogReads).toEqual([{ topic: TEST_CHANGELOG, partition: 0, from: 0n, end: 0n, records: 0 }]);
    driver.pipeInput('in', records(10, { keys: 3 }));
    await driver.pump();
    await driver.stopWorker('A');
    // Two batches of 3 distinct keys each, each closed by a commit marker: A's checkpoint is 7.
    expect(driver.logEnds(TEST_CHANGELOG)).toEqual([8n]);
    expect(await a.store.reopen().checkpoint(0)).toBe(7n);

    await driver.startWorker('B', { lostDisk: true });
    driver.pipeInput('in', records(10, { keys: 3, from: 10 }));
    await driver.pump();
    await driver.stopWorker('B');
    expect(driver.logEnds(TEST_CHANGELOG)).toEqual([16n]);

    const again = await driver.startWorker('A');
    expect(again.link.changelogReads).toEqual([{ topic: TEST_CHANGELOG, partition: 0, from: 7n, end: 16n, records: 6 }]);
    const expected = { k0: '7', k1: '7', k2: '6' };
    expect(Object.fromEntries(await again.store.load(0))).toEqual(expected);
    await driver.stopWorker('A');

    const c = await driver.startWorker('C', { lostDisk: true });
    expect(c.link.changelogReads).toEqual([{ topic: TEST_CHANGELOG, partition: 0, from: 0n, end: 16n, records: 12 }]);
    expect(Object.fromEntries(await c.store.load(0))).toEqual(expected);
    expect(Object.fromEntries(driver.changelogState()[0]!)).toEqual(expected);
    await driver.close();
  });

  it('a checkpoint below the changelog start is unusable: the store restores from scratch', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 1, maxBatch: 5 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(5, { keys: 5 }));
    await driver.pump();
    await driver.stopWorker('A');
    await a.store.reopen().write(0, [{ key: 'stale', value: '1' }], 3n);
    driver.broker.deleteRecordsBefore(TEST_CHANGELOG, 0, 4n);
    const again = await driver.startWorker('A');
    expect(again.link.changelogReads).toEqual([{ topic: TEST_CHANGELOG, partition: 0, from: 4n, end: 6n, records: 1 }]);
    expect(Object.fromEntries(await again.store.load(0))).toEqual({ k4: '1' });
    await driver.close();
  });
});

describe('at-least-once', () => {
  const alo = testStage({ guarantee: 'at-least-once', transactionalIdPrefix: null, store: null, outputs: ['dead'] });

  /** One second of work per record; stops early once the signal aborts; "bad" values are dead-lettered. */
  function slow(probe: Probe): ProcessorFactory {
    return ({ name }) => ({
      stage: alo,
      async process(records: StageRecord[], ctx: ProcessContext) {
        for (const r of records) {
          if (ctx.signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          probe.processed.push({ worker: name, partition: ctx.partition, offsets: [Number(r.offset)] });
          if (r.value!.toString().startsWith('bad')) ctx.deadLetter(r, 'bad value');
          ctx.progress((BigInt(r.offset) + 1n).toString());
        }
      },
    });
  }

  it('commits part-way, dead letters before the offset; a stop keeps the progress; the rest comes again after a restart', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(slow(probe), { stage: alo, partitions: 1 });
    await driver.startWorker('A');
    driver.pipeInput('in', ['v0', 'v1', 'bad2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    await driver.pump();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    // 5 s into the batch: records 0..4 done, the progress committed, the dead letter sent first.
    expect(driver.committedOffsets()).toEqual([5n]);
    expect(driver.readOutput('dead').map((d) => d.key)).toEqual(['in/0@2']);
    expect(driver.broker.journal.filter((j) => !j.startsWith('send in/'))).toEqual(['send dead/0 x1', 'offsets g in/0 5']);

    // Stopped at 5.5 s: the batch ends after record 5, and commits what it did.
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all([driver.stopWorker('A'), vi.advanceTimersByTimeAsync(1_000)]);
    expect(probe.processed.map((p) => p.offsets[0])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(driver.committedOffsets()).toEqual([6n]);

    probe.processed.length = 0;
    const b = await driver.startWorker('A');
    await driver.pump();
    await vi.advanceTimersByTimeAsync(4_000);
    await driver.settle();
    expect(b.link.batches.map((x) => x.offsets.map(Number))).toEqual([[6, 7, 8, 9]]);
    expect(probe.processed.map((p) => p.offsets[0])).toEqual([6, 7, 8, 9]);
    expect(driver.committedOffsets()).toEqual([10n]);
    expect(driver.readOutput('dead')).toHaveLength(1);
    await driver.close();
  });

  it('a batch that fails keeps its progress; the consumer restarts and the rest comes again', async () => {
    const probe = newProbe();
    let failed = false;
    const driver = new StageTestDriver(
      ({ name }) => ({
        stage: alo,
        async process(records, ctx) {
          for (const r of records) {
            if (r.offset === '3' && !failed) {
              failed = true;
              throw new Error('downstream down');
            }
            probe.processed.push({ worker: name, partition: ctx.partition, offsets: [Number(r.offset)] });
            ctx.progress((BigInt(r.offset) + 1n).toString());
          }
        },
      }),
      { stage: alo, partitions: 1 },
    );
    const a = await driver.startWorker('A');
    const member = a.link.memberId;
    driver.pipeInput('in', ['v0', 'v1', 'v2', 'v3', 'v4']);
    await driver.pump();
    expect(probe.processed.map((p) => p.offsets[0])).toEqual([0, 1, 2, 3, 4]);
    expect(driver.broker.journal.filter((j) => j.startsWith('offsets'))).toEqual(['offsets g in/0 3', 'offsets g in/0 5']);
    expect(a.link.memberId).not.toBe(member);
    expect(a.link.batches.map((x) => x.offsets.map(Number))).toEqual([
      [0, 1, 2, 3, 4],
      [3, 4],
    ]);
    await driver.close();
  });
});

describe('at-least-once, completing later', () => {
  const alo = testStage({ guarantee: 'at-least-once', transactionalIdPrefix: null, store: null, outputs: ['dead'] });

  /** Returns at once, keeping each batch's records to handle later with the batch's `progress`; "bad" values are dead-lettered. */
  function later(batches: { offsets: number[]; ctx: ProcessContext }[]): ProcessorFactory {
    return () => ({
      stage: alo,
      completesLater: true,
      async process(records: StageRecord[], ctx: ProcessContext) {
        for (const r of records) if (r.value!.toString().startsWith('bad')) ctx.deadLetter(r, 'bad value');
        batches.push({ offsets: records.map((r) => Number(r.offset)), ctx });
      },
    });
  }

  it("takes the partition's next batch before the last is handled, and commits only what the processor reports, at most 5 s after it does", async () => {
    const batches: { offsets: number[]; ctx: ProcessContext }[] = [];
    const driver = new StageTestDriver(later(batches), { stage: alo, partitions: 1, maxBatch: 3 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', ['v0', 'bad1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    await driver.pump();
    // Every batch fetched with none handled; the dead letter sent, no offset committed.
    expect(a.link.batches.map((b) => b.offsets.map(Number))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(driver.committedOffsets()).toEqual([0n]);
    expect(driver.broker.journal.filter((j) => !j.startsWith('send in/'))).toEqual(['send dead/0 x1']);

    // Handled up to 4, reported through the first batch's context after it returned: committed 5 s later, not before.
    batches[0]!.ctx.progress('4');
    await vi.advanceTimersByTimeAsync(4_999);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([0n]);
    await vi.advanceTimersByTimeAsync(1);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([4n]);

    // Reports close together: the latest one is committed, once.
    batches[2]!.ctx.progress('6');
    batches[2]!.ctx.progress('7');
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.settle();
    expect(driver.committedOffsets()).toEqual([7n]);
    expect(driver.broker.journal.filter((j) => j.startsWith('offsets'))).toEqual(['offsets g in/0 4', 'offsets g in/0 7']);
    await driver.close();
  });

  it('a stop commits the last report at once; a report after the partition moved is ignored; the rest comes again', async () => {
    const batches: { offsets: number[]; ctx: ProcessContext }[] = [];
    const driver = new StageTestDriver(later(batches), { stage: alo, partitions: 1, maxBatch: 3 });
    await driver.startWorker('A');
    driver.pipeInput('in', ['v0', 'v1', 'v2', 'v3', 'v4']);
    await driver.pump();
    batches[0]!.ctx.progress('2');
    await driver.stopWorker('A');
    expect(driver.committedOffsets()).toEqual([2n]);
    batches[1]!.ctx.progress('5'); // too late: the partition is no longer this worker's
    await vi.advanceTimersByTimeAsync(10_000);
    expect(driver.committedOffsets()).toEqual([2n]);

    batches.length = 0;
    const again = await driver.startWorker('A');
    await driver.pump();
    expect(again.link.batches.map((b) => b.offsets.map(Number))).toEqual([[2, 3, 4]]);
    batches[0]!.ctx.progress('5');
    await driver.stopWorker('A');
    expect(driver.committedOffsets()).toEqual([5n]);
  });
});

describe('punctuation', () => {
  it('runs with the owned partitions only while the membership is confirmed, and once more at stop with them still held', async () => {
    const probe = newProbe();
    const runs: { at: number; owned: number[] }[] = [];
    const start = Date.now();
    const factory: ProcessorFactory = (w) => ({
      ...counting(testStage(), probe)(w),
      punctuation: {
        everyMs: 1_000,
        async run(owned) {
          runs.push({ at: Date.now() - start, owned });
          probe.events.push(`${w.name} punctuate ${owned.join(',')}`);
        },
      },
    });
    const driver = new StageTestDriver(factory, { stage: testStage(), partitions: 2, sessionTimeoutMs: 10_000 });
    await driver.startWorker('A');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toEqual([{ at: 1_000, owned: [0, 1] }]);

    // Paused: no heartbeat confirms it; after half the session it vouches for nothing.
    driver.pauseWorker('A');
    await vi.advanceTimersByTimeAsync(6_000);
    expect(runs.map((r) => r.owned)).toEqual([[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [], []]);
    // Awake before the session expired: a heartbeat confirms it again.
    driver.resumeWorker('A');
    await driver.pump();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.at(-1)).toEqual({ at: 8_000, owned: [0, 1] });

    // While a partition is being claimed, it is not offered.
    driver.pauseWorker('A');
    await driver.expireSessions();
    const claim = driver.broker.hold('fence', 'g-p1');
    driver.resumeWorker('A');
    await driver.pump();
    await claim.reached;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.at(-1)).toEqual({ at: 9_000, owned: [0] });
    claim.release();
    await driver.pump();

    // Unconfirmed again, then stopped: the last run still has both partitions, before they close.
    driver.pauseWorker('A');
    await vi.advanceTimersByTimeAsync(6_000);
    expect(runs.at(-1)!.owned).toEqual([]);
    probe.events.length = 0;
    await driver.stopWorker('A');
    expect(probe.events).toEqual(['A punctuate 0,1', 'A close 0', 'A close 1']);
  });
});

describe('watchdog', () => {
  const heartbeat = (driver: StageTestDriver, worker: string) => driver.worker(worker).lastHeartbeat as { watchdogRestarts: number; groupJoins: number };

  it('replaces a consumer that holds partitions but neither fetches nor heartbeats for a session: it rejoins and commits again, nothing lost or doubled', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2, sessionTimeoutMs: 10_000 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(10, { partitions: 2 }));
    await driver.pump();
    expect(driver.committedOffsets()).toEqual([5n, 5n]);
    const member = a.link.memberId;

    // Stuck, as kafkajs asking a dead coordinator: alive, in the group, silent. Records keep coming.
    a.link.stalled = true;
    driver.pipeInput('in', records(10, { partitions: 2, from: 10 }));
    await driver.pump();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(driver.committedOffsets()).toEqual([5n, 5n]);
    expect(heartbeat(driver, 'A').watchdogRestarts).toBe(0);

    await vi.advanceTimersByTimeAsync(2_000);
    await driver.pump();
    expect(a.link.memberId).not.toBe(member);
    expect(heartbeat(driver, 'A').watchdogRestarts).toBe(1);
    expect(a.log.some((l) => l.level === 'warn' && l.message === 'aggregation consumer replaced by the watchdog')).toBe(true);
    expect(driver.committedOffsets()).toEqual([10n, 10n]);
    expect(sorted(values(driver, 'out'))).toEqual(vs(0, 20));
    expect(total(driver.changelogState())).toBe(20);
    // A healthy consumer is left alone however long it idles.
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.pump();
    await vi.advanceTimersByTimeAsync(5_000);
    await driver.pump();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heartbeat(driver, 'A').watchdogRestarts).toBe(1);
    await driver.close();
  });

  it('gives up a replacement whose join hangs, and tries again: the stage commits again once the cluster answers', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2, sessionTimeoutMs: 10_000 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(10, { partitions: 2 }));
    await driver.pump();
    expect(driver.committedOffsets()).toEqual([5n, 5n]);

    // Stuck, and the replacement's join hangs: without a deadline the watchdog would wait on it for ever.
    a.link.stalled = true;
    a.link.joinHangs = true;
    driver.pipeInput('in', records(10, { partitions: 2, from: 10 }));
    await driver.pump();
    await vi.advanceTimersByTimeAsync(11_000);
    expect(a.log.filter((l) => l.message === 'aggregation consumer replaced by the watchdog')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(a.log.some((l) => l.message === 'aggregation consumer could not join again' && String(l.meta?.error).includes('did not join within'))).toBe(true);

    // The cluster answers again: a later try joins (the one in flight gives up first), and the records waiting are done, once.
    a.link.joinHangs = false;
    await vi.advanceTimersByTimeAsync(45_000);
    await driver.pump();
    expect(a.log.filter((l) => l.message === 'aggregation consumer replaced by the watchdog').length).toBeGreaterThanOrEqual(3);
    expect(driver.committedOffsets()).toEqual([10n, 10n]);
    expect(sorted(values(driver, 'out'))).toEqual(vs(0, 20));
    await driver.close();
  });

  it('a membership that crashed without a restart is replaced at once: the stage goes on instead of failing', async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2 });
    const a = await driver.startWorker('A');
    driver.pipeInput('in', records(6, { partitions: 2 }));
    await driver.pump();
    const joins = heartbeat(driver, 'A').groupJoins;

    a.link.crashWithoutRestart(new Error('This is not the correct coordinator for this group'));
    driver.pipeInput('in', records(6, { partitions: 2, from: 6 }));
    await driver.pump();

    expect(a.error).toBeUndefined();
    expect(heartbeat(driver, 'A')).toMatchObject({ watchdogRestarts: 1, crashes: 1, groupJoins: joins + 1 });
    expect(driver.committedOffsets()).toEqual([6n, 6n]);
    expect(sorted(values(driver, 'out'))).toEqual(vs(0, 12));
    await driver.close();
  });

  it("a killed worker's partitions move by the session as before; the survivor's watchdog stays quiet", async () => {
    const probe = newProbe();
    const driver = new StageTestDriver(counting(testStage(), probe), { stage: testStage(), partitions: 2 });
    await driver.startWorker('A');
    await driver.startWorker('B');
    driver.killWorker('A');
    await driver.expireSessions();
    driver.pipeInput('in', records(8, { partitions: 2 }));
    await driver.pump();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(heartbeat(driver, 'B').watchdogRestarts).toBe(0);
    expect(driver.committedOffsets()).toEqual([4n, 4n]);
    await driver.close();
  });
});
