/**
 * The replay's control state and progress, as a plain class: the workflow only wires updates (with
 * the pace's validator), signals, the query, chunks and continue-as-new to it, so all of this is
 * tested without Temporal.
 */
import { START_OF_LOG, type ReplayChunkInput, type ReplayChunkResult, type ReplayPosition } from './chunk';
import { DEFAULT_PACE, parseReplayPace, type ReplayPace } from './pacing';
import type { Parsed } from '../schema';

/** Chunks per workflow run before it continues as new: about 8 minutes, about 3,000 events. */
export const DEFAULT_CHUNKS_PER_RUN = 500;
/**
 * Control commands (updates or signals) per run before it continues as new, paused or not: an
 * update costs at most five history events (accepted, completed and a workflow task's three), a
 * signal four, so 500 cost at most 2,500, far below the 51,200 that terminate a run. A flood that
 * keeps the server from starting a workflow task lands in one run all the same, up to the server's
 * own limits per run (10,000 signals, 2,000 updates); the run moves on at its next workflow task.
 * An update not yet delivered when it does goes to the next run (the server turns it away as
 * retryable, the client sends it again). One the validator refuses leaves no trace and is not counted.
 */
export const DEFAULT_COMMANDS_PER_RUN = 500;
/** Pace changes remembered for the dashboard's time charts: a 30-minute chart rarely holds more. */
export const PACE_CHANGES_KEPT = 10;

/** The replay's pace from `at` (workflow time, ms since the epoch) on. */
export interface PaceChange {
  at: number;
  pace: ReplayPace;
}

export interface ReplayClicksInput {
  /** The click log, as the worker's file system sees it. */
  file: string;
  /** Start again at the first row after the last one; default true. */
  loop?: boolean;
  /** Default DEFAULT_PACE. */
  pace?: ReplayPace;
  /** Default DEFAULT_CHUNKS_PER_RUN. */
  chunksPerRun?: number;
  /** Default DEFAULT_COMMANDS_PER_RUN. */
  commandsPerRun?: number;
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
  /** Oldest first, the last `PACE_CHANGES_KEPT`; absent in inputs of runs before it was carried. */
  paceChanges?: PaceChange[];
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
  /** A chunk is being sent: a pause asked for now lands when it ends. */
  chunkUnderWay: boolean;
  /** The pace at start and each change since, oldest first, the last `PACE_CHANGES_KEPT`: where the charts' rate changed. */
  paceChanges: PaceChange[];
}

const samePace = (a: ReplayPace, b: ReplayPace) => JSON.stringify(a) === JSON.stringify(b);

const FRESH_START: CarriedState = { paused: false, loopNumber: 1, position: START_OF_LOG, rowsSent: 0, rowsRejected: 0, chunks: 0 };

export class ClickReplay {
  private readonly file: string;
  private readonly loop: boolean;
  private readonly chunksPerRun: number;
  private readonly commandsPerRun: number;
  private pace: ReplayPace;
  private readonly state: CarriedState & { paceChanges: PaceChange[] };
  private chunksThisRun = 0;
  private commandsThisRun = 0;
  private done = false;
  private chunkUnderWay = false;

  constructor(
    input: ReplayClicksInput,
    private readonly replayId: string,
  ) {
    this.file = input.file;
    this.loop = input.loop ?? true;
    this.pace = input.pace ?? DEFAULT_PACE;
    // At least one chunk per run, or runs would continue as new without end and without progress.
    this.chunksPerRun = Math.max(1, input.chunksPerRun ?? DEFAULT_CHUNKS_PER_RUN);
    this.commandsPerRun = Math.max(1, input.commandsPerRun ?? DEFAULT_COMMANDS_PER_RUN);
    // Shallow copies suffice: positions are replaced whole, never changed in place.
    // Date.now() is the workflow's own deterministic clock inside a workflow.
    const paceChanges = input.carried ? [...(input.carried.paceChanges ?? [])] : [{ at: Date.now(), pace: this.pace }];
    this.state = { ...(input.carried ?? FRESH_START), paceChanges };
  }

  get paused(): boolean {
    return this.state.paused;
  }

  get finished(): boolean {
    return this.done;
  }

  /** This run has replayed enough chunks: time to continue as new. */
  get runIsLong(): boolean {
    return this.chunksThisRun >= this.chunksPerRun;
  }

  /** This run has taken enough commands: time to continue as new, even while paused. */
  get commandBudgetSpent(): boolean {
    return this.commandsThisRun >= this.commandsPerRun;
  }

  /** Pauses when the chunk under way ends; the progress after the command. */
  pause(): ReplayProgress {
    this.commandsThisRun += 1;
    this.state.paused = true;
    return this.progress();
  }

  resume(): ReplayProgress {
    this.commandsThisRun += 1;
    this.state.paused = false;
    return this.progress();
  }

  /** The setPace update's validator: a pace parseReplayPace refuses is refused with its reason, before the update reaches the history. */
  validatePace(raw: unknown): void {
    const pace = parseReplayPace(raw);
    if (!pace.ok) throw new Error(pace.reason);
  }

  /** The setPace update, its pace validated: the pace from the next chunk on, and the progress after the command. */
  changePace(raw: unknown): ReplayProgress {
    this.setPace(raw);
    return this.progress();
  }

  /** A new pace; one parseReplayPace refuses leaves the pace as it was, and its reason is returned (a signal has no validator to refuse it). */
  setPace(raw: unknown): Parsed<ReplayPace> {
    this.commandsThisRun += 1;
    const pace = parseReplayPace(raw);
    // The same pace again changes no rate: no mark on the charts.
    if (pace.ok && !samePace(pace.value, this.pace)) {
      this.pace = pace.value;
      this.state.paceChanges = [...this.state.paceChanges, { at: Date.now(), pace: pace.value }].slice(-PACE_CHANGES_KEPT);
    }
    return pace;
  }

  /** The next chunk's input; the chunk is under way until its result is recorded. */
  startChunk(): ReplayChunkInput {
    const { loopNumber, position } = this.state;
    this.chunkUnderWay = true;
    return { replayId: this.replayId, file: this.file, loopNumber, pace: this.pace, position };
  }

  recordChunk(result: ReplayChunkResult): void {
    const { sent, rejected, endOfFile, ...position } = result;
    this.chunkUnderWay = false;
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
    const { paused, loopNumber, position, rowsSent, rowsRejected, chunks, paceChanges } = this.state;
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
      chunkUnderWay: this.chunkUnderWay,
      paceChanges,
    };
  }

  /** The next run starts with the current options (the pace may have changed) and state. */
  continueAsNewInput(): ReplayClicksInput {
    return {
      file: this.file,
      loop: this.loop,
      pace: this.pace,
      chunksPerRun: this.chunksPerRun,
      commandsPerRun: this.commandsPerRun,
      carried: { ...this.state },
    };
  }
}
