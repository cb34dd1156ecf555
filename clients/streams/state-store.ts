/**
 * A state store that logs itself (Kafka Streams' logged key-value store): a batch's writes are
 * buffered, go to the compacted changelog in the batch's transaction, and reach the local store
 * with the changelog offset they end at (the checkpoint) once it committed. On claiming a
 * partition the store catches up from its checkpoint, or from scratch when the checkpoint is
 * unusable, to the changelog's end.
 */
import type { Logger } from '../../lib/consumer-run';
import type { StateChange } from '../../lib/state-change';
import type { OutputMessage, PartitionStateStore } from './processor';
import type { StageLink, TopicMessages } from './stage-link';

/** Where a worker keeps its partitions' state locally: LevelDB, or memory in tests. */
export interface StoreBackend {
  checkpoint(partition: number): Promise<bigint | null>;
  load(partition: number): Promise<[string, string][]>;
  /** Applies the changes and sets the checkpoint, atomically. */
  write(partition: number, changes: Iterable<StateChange>, checkpoint: bigint): Promise<void>;
  wipe(partition: number): Promise<void>;
  close(): Promise<void>;
}

export class LoggedPartitionStore implements PartitionStateStore {
  private readonly pending = new Map<string, string | null>();

  private constructor(
    private readonly backend: StoreBackend,
    readonly partition: number,
    readonly changelog: string,
  ) {}

  /** Brings the local store of `partition` up to the end of its changelog partition. */
  static async restore(backend: StoreBackend, link: StageLink, changelog: string, partition: number, log: Logger): Promise<LoggedPartitionStore> {
    const started = Date.now();
    const { low, high } = await link.changelogRange(changelog, partition);
    const checkpoint = await backend.checkpoint(partition);
    // Below the log start, the records since the checkpoint are gone; past the end, the
    // changelog was recreated. Either way the store cannot be caught up.
    const usable = checkpoint !== null && checkpoint >= low && checkpoint <= high;
    if (!usable) await backend.wipe(partition);
    const from = usable ? checkpoint : low;
    const latest = await link.readChangelog(changelog, partition, from, high);
    await backend.write(
      partition,
      [...latest].map(([key, value]) => ({ key, value })),
      high,
    );
    log.info('state store restored', {
      changelog,
      partition,
      from: usable ? 'checkpoint' : 'scratch',
      replayed: `${from}..${high}`,
      keys: latest.size,
      ms: Date.now() - started,
    });
    return new LoggedPartitionStore(backend, partition, changelog);
  }

  entries(): Promise<[string, string][]> {
    return this.backend.load(this.partition);
  }

  put(key: string, value: string): void {
    this.pending.set(key, value);
  }

  delete(key: string): void {
    this.pending.set(key, null);
  }

  /** The batch's writes as changelog records of this partition. */
  changelogSend(): TopicMessages | null {
    if (this.pending.size === 0) return null;
    const messages: OutputMessage[] = [];
    for (const [key, value] of this.pending) messages.push({ key, value, partition: this.partition });
    return { topic: this.changelog, messages };
  }

  /** The batch committed, its changelog records ending at `changelogEnd`: the local store takes them. */
  async committed(changelogEnd: bigint | undefined): Promise<void> {
    if (this.pending.size === 0) return;
    if (changelogEnd === undefined) throw new Error(`no offset for the changelog records of ${this.changelog}/${this.partition}`);
    const changes = [...this.pending].map(([key, value]) => ({ key, value }));
    this.pending.clear();
    await this.backend.write(this.partition, changes, changelogEnd);
  }

  /** The batch failed: its writes never happened. */
  discard(): void {
    this.pending.clear();
  }
}
