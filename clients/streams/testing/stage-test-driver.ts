/**
 * Runs a processor on the real stage runtime (stage-runtime.ts) against the in-memory broker
 * (memory-link.ts), for unit tests: Kafka Streams' TopologyTestDriver, with workers that join,
 * crash, pause past their session and restart.
 *
 *   const driver = new StageTestDriver(({ run }) => myProcessor(run), { stage, partitions: 2 });
 *   driver.pipeInput(stage.input, ['a', 'b']);
 *   await driver.startWorker('w1');
 *   await driver.pump();                  // batches until nothing moves
 *   driver.readOutput('out');             // committed records only
 *   await driver.close();
 *
 * Each worker runs `runStage` with its own `MemoryStageLink` and a local store kept by name across
 * restarts (`{ lostDisk: true }` starts it empty). `killWorker` suspends it: it fetches and
 * heartbeats no more but what it has in flight goes on, a zombie; `expireSessions` then moves its
 * partitions. Timers are the runtime's own: tests that need them use fake timers.
 */
import type { ConsumerRun } from '../../../lib/consumer-run';
import type { StageSpec } from '../../../lib/topology';
import { MemoryBroker, MemoryStageLink, MemoryStoreBackend, nextTurn, type ReadRecord } from './memory-link';
import type { Processor } from '../processor';
import { runStage } from '../stage-runtime';

/** The changelog of `testStage()`'s store. */
export const TEST_CHANGELOG = 'g-in-changelog';

/** A stage spec for tests: an exactly-once aggregation from `in` to `out`, with a store, unless `over` says otherwise. */
export function testStage(over: Partial<StageSpec> = {}): StageSpec {
  return {
    kind: 'aggregation',
    summary: 'counts each key',
    input: 'in',
    outputs: ['out', 'dead'],
    effects: [],
    guarantee: 'exactly-once',
    groupId: 'g',
    transactionalIdPrefix: 'g',
    store: { name: 'counts', changelog: TEST_CHANGELOG, dir: '/nowhere' },
    ...over,
  };
}

export interface DriverOptions {
  stage: StageSpec;
  /** Partitions of every topic of the stage (input, outputs, changelog). */
  partitions: number;
  /** Default 10 s: with fake timers, the runtime's membership check uses it. */
  sessionTimeoutMs?: number;
  /** Most records per batch (default 100). */
  maxBatch?: number;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  meta?: Record<string, unknown>;
}

export interface TestWorker {
  readonly name: string;
  readonly link: MemoryStageLink;
  readonly store: MemoryStoreBackend;
  readonly log: LogLine[];
  /** The runtime's latest activity heartbeat. */
  lastHeartbeat: unknown;
  state: 'running' | 'paused' | 'killed' | 'stopped';
  /** What `runStage` threw, once it did. */
  error: unknown;
  done: Promise<void>;
  readonly abort: AbortController;
}

export type ProcessorFactory = (worker: { name: string; run: ConsumerRun }) => Processor;

export class StageTestDriver {
  readonly broker = new MemoryBroker();
  readonly stage: StageSpec;
  private readonly workers = new Map<string, TestWorker>();
  private readonly disks = new Map<string, MemoryStoreBackend>();

  constructor(
    private readonly makeProcessor: ProcessorFactory,
    private readonly options: DriverOptions,
  ) {
    this.stage = options.stage;
    const { input, outputs, store } = options.stage;
    for (const topic of [input, ...outputs, ...(store ? [store.changelog] : [])]) this.broker.createTopic(topic, options.partitions);
    if (options.maxBatch) this.broker.maxBatch = options.maxBatch;
  }

  /** Appends records (plain values, or with a key and partition) to a topic, non-transactionally. */
  pipeInput(topic: string, records: (string | { key?: string | null; value: string | null; partition?: number })[]): void {
    this.broker.produce(
      topic,
      records.map((r) => (typeof r === 'string' ? { key: null, value: r } : r)),
    );
  }

  /** Starts (or restarts) a worker and waits until it joined and claimed its partitions. */
  async startWorker(name: string, { lostDisk = false, store }: { lostDisk?: boolean; store?: MemoryStoreBackend } = {}): Promise<TestWorker> {
    const running = this.workers.get(name);
    if (running && (running.state === 'running' || running.state === 'paused')) throw new Error(`worker ${name} is running`);
    const backend = store ?? (lostDisk ? new MemoryStoreBackend() : (this.disks.get(name)?.reopen() ?? new MemoryStoreBackend()));
    this.disks.set(name, backend);
    const link = new MemoryStageLink(this.broker, this.stage, name);
    const log: LogLine[] = [];
    const abort = new AbortController();
    const logAt = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) => log.push({ level, message, meta });
    const worker: TestWorker = {
      name,
      link,
      store: backend,
      log,
      lastHeartbeat: undefined,
      state: 'running',
      error: undefined,
      done: Promise.resolve(),
      abort,
    };
    const run: ConsumerRun = {
      signal: abort.signal,
      heartbeat: (details) => (worker.lastHeartbeat = details),
      log: { info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    };
    const processor = this.makeProcessor({ name, run });
    this.workers.set(name, worker);
    worker.done = runStage({
      processor,
      link,
      run,
      worker: name,
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 10_000,
      openStore: async () => backend,
    }).catch((err: unknown) => {
      worker.error = err;
    });
    await this.settle();
    return worker;
  }

  worker(name: string): TestWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new Error(`no worker ${name}`);
    return worker;
  }

  /** Delivers batches until nothing moves. */
  pump(): Promise<void> {
    return this.broker.deliver();
  }

  /** Lets the workers' work in progress (joins, claims, commits) finish without fetching anything new. */
  settle(): Promise<void> {
    return this.broker.deliver({ fetch: false });
  }

  /** SIGKILL, as the group sees it: the worker fetches and heartbeats no more; its batch in flight goes on as a zombie. */
  killWorker(name: string): TestWorker {
    const worker = this.worker(name);
    worker.link.suspended = true;
    worker.state = 'killed';
    return worker;
  }

  /** A process paused (SIGSTOP, a long GC): like a kill until `resumeWorker`. */
  pauseWorker(name: string): void {
    this.worker(name).link.suspended = true;
    this.worker(name).state = 'paused';
  }

  resumeWorker(name: string): void {
    this.worker(name).link.suspended = false;
    this.worker(name).state = 'running';
  }

  /** The session timeout passes for every killed or paused worker: the group shares out their partitions. */
  async expireSessions(): Promise<void> {
    for (const w of this.workers.values()) if (w.link.suspended && this.broker.isMember(w.link)) this.broker.expire(w.link);
    await this.settle();
  }

  /** Stops a worker as its activity would (the signal aborts) and waits until `runStage` returned; rethrows what it threw. */
  async stopWorker(name: string, { maxTurns = 10_000 } = {}): Promise<void> {
    const worker = this.worker(name);
    worker.abort.abort();
    let stopped = false;
    void worker.done.then(() => (stopped = true));
    for (let turn = 0; !stopped; turn++) {
      if (turn === maxTurns) throw new Error(`worker ${name} did not stop (a batch held by the test, or waiting on timers?)`);
      await nextTurn();
    }
    worker.state = 'stopped';
    if (worker.error) throw worker.error;
  }

  /** The topic's committed records (read_committed), partition by partition. */
  readOutput(topic: string): ReadRecord[] {
    return this.broker.records(topic);
  }

  /** The stage group's committed input offset per partition (0 where none). */
  committedOffsets(): bigint[] {
    return this.broker.committedOffsets(this.stage.groupId, this.stage.input);
  }

  /** Where each partition of the topic ends (the next offset). */
  logEnds(topic: string): bigint[] {
    return Array.from({ length: this.options.partitions }, (_, p) => this.broker.range(topic, p).high);
  }

  /** The state the changelog holds per partition: each key's latest committed value. */
  changelogState(): Map<string, string>[] {
    const changelog = this.stage.store?.changelog;
    if (!changelog) throw new Error(`stage ${this.stage.kind} has no store`);
    return Array.from({ length: this.options.partitions }, (_, p) => {
      const state = new Map<string, string>();
      for (const e of this.broker.read(changelog, p)) {
        if (e.value === null) state.delete(e.key!.toString());
        else state.set(e.key!.toString(), e.value.toString());
      }
      return state;
    });
  }

  /** Stops every running or paused worker (killed ones stay as they are). */
  async close(): Promise<void> {
    for (const w of this.workers.values()) {
      if (w.state === 'paused') this.resumeWorker(w.name);
      if (w.state === 'running') await this.stopWorker(w.name);
    }
  }
}
