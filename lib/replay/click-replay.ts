/**
 * The replay's control state and progress, as a plain class: the workflow only wires signals, the
 * query, chunks and continue-as-new to it, so all of this is tested without Temporal.
 */
import { START_OF_LOG, type ReplayChunkInput, type ReplayChunkResult, type ReplayPosition } from './chunk';
import { DEFAULT_PACE, type ReplayPace } from './pacing';

/** Chunks per workflow run before it continues as new: about 17 minutes, a few thousand events. */
export const DEFAULT_CHUNKS_PER_RUN = 500;

export interface ReplayClicksInput {
  /** The click log, as the worker's file system sees it. */
  file: string;
  /** Start again at the first row after the last one; default true. */
  loop?: boolean;
  /** Default DEFAULT_PACE. */
  pace?: ReplayPace;
  /** Default DEFAULT_CHUNKS_PER_RUN. */
  chunksPerRun?: number;
  /** Set by continue-as-new only: where the previous run stopped. */
  carried?: CarriedState;
}

/** What a run hands to the next one, besides its options. */
export interface CarriedState {
  paused: boolean;
  loopNumber: number;
  position: ReplayPosition;
  rowsSent: number;
  rowsRejected: number;
  chunks: number;
}

/** What the `replayProgress` query answers. */
export interface ReplayProgress {
  file: string;
  loop: boolean;
  pace: ReplayPace;
  paused: boolean;
  /** Only when loop is false: the whole log has been sent. */
  finished: boolean;
  loopNumber: number;
  /** Data rows read in this loop. */
  row: number;
  byteOffset: number;
  /** Log time of the last click sent, ISO 8601; null before the first one of a loop. */
  logTime: string | null;
  /** Totals over all loops. */
  rowsSent: number;
  rowsRejected: number;
  chunks: number;
}

const FRESH_START: CarriedState = { paused: false, loopNumber: 1, position: START_OF_LOG, rowsSent: 0, rowsRejected: 0, chunks: 0 };

export class ClickReplay {
  private readonly file: string;
  private readonly loop: boolean;
  private readonly chunksPerRun: number;
  private pace: ReplayPace;
  private readonly state: CarriedState;
  private chunksThisRun = 0;
  private done = false;

  constructor(
    input: ReplayClicksInput,
    private readonly replayId: string,
  ) {
    this.file = input.file;
    this.loop = input.loop ?? true;
    this.pace = input.pace ?? DEFAULT_PACE;
    // At least one chunk per run, or runs would continue as new without end and without progress.
    this.chunksPerRun = Math.max(1, input.chunksPerRun ?? DEFAULT_CHUNKS_PER_RUN);
    // Shallow copies suffice: positions are replaced whole, never changed in place.
    this.state = { ...(input.carried ?? FRESH_START) };
  }

  get paused(): boolean {
    return this.state.paused;
  }

  get finished(): boolean {
    return this.done;
  }

  /** This run's history is long enough: time to continue as new. */
  get runIsLong(): boolean {
    return this.chunksThisRun >= this.chunksPerRun;
  }

  pause(): void {
    this.state.paused = true;
  }

  resume(): void {
    this.state.paused = false;
  }

  setPace(pace: ReplayPace): void {
    this.pace = pace;
  }

  nextChunk(): ReplayChunkInput {
    const { loopNumber, position } = this.state;
    return { replayId: this.replayId, file: this.file, loopNumber, pace: this.pace, position };
  }

  recordChunk(result: ReplayChunkResult): void {
    const { sent, rejected, endOfFile, ...position } = result;
    this.state.rowsSent += sent;
    this.state.rowsRejected += rejected;
    this.state.chunks += 1;
    this.chunksThisRun += 1;
    this.state.position = position;
    if (!endOfFile) return;
    if (this.loop) {
      this.state.loopNumber += 1;
      this.state.position = START_OF_LOG;
    } else {
      this.done = true;
    }
  }

  progress(): ReplayProgress {
    const { paused, loopNumber, position, rowsSent, rowsRejected, chunks } = this.state;
    return {
      file: this.file,
      loop: this.loop,
      pace: this.pace,
      paused,
      finished: this.done,
      loopNumber,
      row: position.row,
      byteOffset: position.byteOffset,
      logTime: position.lastOriginalTimestamp === null ? null : new Date(position.lastOriginalTimestamp).toISOString(),
      rowsSent,
      rowsRejected,
      chunks,
    };
  }

  /** The next run starts with the current options (the pace may have changed) and state. */
  continueAsNewInput(): ReplayClicksInput {
    return { file: this.file, loop: this.loop, pace: this.pace, chunksPerRun: this.chunksPerRun, carried: { ...this.state } };
  }
}
