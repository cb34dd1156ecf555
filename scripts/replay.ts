/**
 * Controls the clickstream replay, a long-lived workflow (id REPLAY_WORKFLOW_ID, the one the
 * dashboard steers): start it, pause, resume, change its pace, show its progress. Pause, resume and
 * speed are updates: each prints the replay's progress after it. Starting again while it runs
 * leaves the running one as it is.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { commandReplay, replayProgress } from '../clients/replay-control';
import { connectTemporal } from '../clients/temporal';
import { loadConfig, type Config } from '../lib/config';
import type { ReplayClicksInput } from '../lib/replay/click-replay';
import type { ReplayCommand } from '../lib/replay/messages';
import { DEFAULT_RATE, DEFAULT_SPEED, describePace, parseReplayPace, RATE_BOUNDS, REPLAY_MODES, SPEED_BOUNDS, type ReplayPace } from '../lib/replay/pacing';
import type { replayClicksWorkflow } from '../workflows/replay-clicks.workflow';

const USAGE = `Usage: npx tsx scripts/replay.ts <command> [options]

Commands:
  start      start the replay of the click log to Kafka (nothing changes if it already runs)
               --mode original|fixed|max   pace (default original)
               --speed N                   original timing sped up N times (default ${DEFAULT_SPEED}; ${SPEED_BOUNDS.min} to ${SPEED_BOUNDS.max})
               --rate N                    fixed pace in rows per second (default ${DEFAULT_RATE}; ${RATE_BOUNDS.min} to ${RATE_BOUNDS.max})
               --no-loop                   stop at the end of the log instead of starting over
               --file PATH                 click log as the worker sees it (default DATA_DIR/clicks.csv)
  pause      stop sending, within about a second
  resume     carry on where it paused
  speed N    original timing at N times; or speed --rate N, speed --mode max
  progress   rows sent and rejected, loop, position, pace (JSON)
pause, resume and speed print the progress after the command (JSON) too.`;

class UsageError extends Error {}

type Flags = { mode?: string; speed?: string; rate?: string };

/**
 * The pace the flags ask for: --speed implies the original timing, --rate the fixed pace. Judged
 * by the parser the web app and the workflow use, so the bounds are the same everywhere.
 */
function paceOf(flags: Flags): ReplayPace {
  const mode = flags.mode ?? (flags.rate !== undefined ? 'fixed' : 'original');
  if (flags.speed !== undefined && mode !== 'original') throw new UsageError('--speed applies to --mode original only');
  if (flags.rate !== undefined && mode !== 'fixed') throw new UsageError('--rate applies to --mode fixed only');
  const raw =
    mode === 'original'
      ? { mode, speed: numberOf(flags.speed, DEFAULT_SPEED) }
      : mode === 'fixed'
        ? { mode, rate: numberOf(flags.rate, DEFAULT_RATE) }
        : { mode };
  const pace = parseReplayPace(raw);
  if (!pace.ok) throw new UsageError(pace.reason);
  return pace.value;
}

/** The flag's number; text that is none stays text, for the parser to name. */
function numberOf(raw: string | undefined, fallback: number): number | string {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return raw.trim() === '' || Number.isNaN(n) ? raw : n;
}

/** Flags and positional arguments each command accepts. */
const ACCEPTS: Record<string, { flags: string[]; positionals: number }> = {
  start: { flags: ['mode', 'speed', 'rate', 'no-loop', 'file'], positionals: 0 },
  pause: { flags: [], positionals: 0 },
  resume: { flags: [], positionals: 0 },
  speed: { flags: ['mode', 'speed', 'rate'], positionals: 1 },
  progress: { flags: [], positionals: 0 },
};

/**
 * The log as the workers find it: relative to the project (their working folder), so the progress
 * that dashboards show names no path of the server's; a file outside the project stays absolute.
 */
function projectRelative(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      mode: { type: 'string' },
      speed: { type: 'string' },
      rate: { type: 'string' },
      'no-loop': { type: 'boolean' },
      file: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  const accepts = ACCEPTS[command];
  if (!accepts) throw new UsageError(`unknown command "${command}"`);
  const extra = Object.keys(values).filter((flag) => !accepts.flags.includes(flag));
  if (extra.length > 0) throw new UsageError(`${command} does not take ${extra.map((f) => `--${f}`).join(', ')}`);
  if (rest.length > accepts.positionals) throw new UsageError(`${command} does not take "${rest.join(' ')}"`);
  if (values.mode !== undefined && !(REPLAY_MODES as readonly string[]).includes(values.mode)) {
    throw new UsageError(`--mode expects one of ${REPLAY_MODES.join(', ')}, got "${values.mode}"`);
  }
  if (command === 'speed') {
    const flagged = values.mode !== undefined || values.speed !== undefined || values.rate !== undefined;
    if (rest[0] === undefined && !flagged) throw new UsageError('speed takes a speed factor, --rate N or --mode max');
    if (rest[0] !== undefined && values.speed !== undefined) throw new UsageError('give the speed factor once');
  }
  // Usage errors show before any connection attempt.
  const pace = paceOf({ ...values, speed: rest[0] ?? values.speed });

  const config = loadConfig();
  const workflowId = config.temporal.replayWorkflowId;
  const client = await connect(config.temporal);
  try {
    switch (command) {
      case 'start': {
        const input: ReplayClicksInput = {
          file: projectRelative(values.file ?? path.join(config.data.dir, 'clicks.csv')),
          loop: !values['no-loop'],
          pace,
        };
        if (await isRunning(client, workflowId)) {
          console.log(`${workflowId} already runs, left as it is (change it with pause, resume, speed):`);
          console.log(JSON.stringify(await replayProgress(client, workflowId), null, 2));
          break;
        }
        // USE_EXISTING: two starts racing still make one replay.
        const started = await client.workflow.start<typeof replayClicksWorkflow>('replayClicksWorkflow', {
          taskQueue: config.temporal.taskQueue,
          workflowId,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          args: [input],
        });
        console.log(
          `started ${started.workflowId}: ${input.file} at ${describePace(pace)}, ${input.loop ? 'looping' : 'once'}; ` +
            `see ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${started.workflowId}`,
        );
        break;
      }
      case 'pause':
        await steer(client, workflowId, { action: 'pause' }, 'pausing (the chunk under way ends first)');
        break;
      case 'resume':
        await steer(client, workflowId, { action: 'resume' }, 'resuming');
        break;
      case 'speed':
        await steer(client, workflowId, { action: 'speed', pace }, `now at ${describePace(pace)}`);
        break;
      case 'progress':
        console.log(JSON.stringify(await replayProgress(client, workflowId), null, 2));
        break;
    }
  } finally {
    await client.connection.close();
  }
}

/** Sends the command as an update and prints what it did, and the progress after it. */
async function steer(client: Client, workflowId: string, command: ReplayCommand, done: string): Promise<void> {
  const progress = await commandReplay(client, workflowId, command);
  if (!progress.ok) throw new Error(`${workflowId} refused the command: ${progress.reason}`);
  console.log(`${workflowId}: ${done}`);
  console.log(JSON.stringify(progress.value, null, 2));
}

async function connect(temporal: Config['temporal']): Promise<Client> {
  try {
    return await connectTemporal(temporal);
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${temporal.address} (${(err as Error).message}); \`make stack\` starts it`);
  }
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const badUsage = err instanceof UsageError || (err instanceof TypeError && String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
  if (err instanceof WorkflowNotFoundError) {
    console.error(`replay: no running replay (workflow ${err.workflowId}); start one with: npx tsx scripts/replay.ts start`);
  } else {
    console.error(badUsage ? `replay: ${message}\n\n${USAGE}` : `replay: ${message}`);
  }
  process.exit(badUsage ? 2 : 1);
});
