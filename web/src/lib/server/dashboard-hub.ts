/**
 * Feeds every open dashboard: one Redis subscription to the aggregates channel, plus a poll each
 * second for the state-machine log and the replay's progress, which change without it. Sends only
 * the parts of the feed that changed, each serialised once per audience for all its streams
 * (`AudienceFrames`): the public's with short visitor ids, the operator's with whole ones.
 */
import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { DASHBOARD_CHANNEL, DASHBOARD_KEY, STATE_MACHINE_LOG_KEY, type DashboardAggregates } from '$shared/lib/redis-keys';
import { replayProgressQuery } from '$shared/lib/replay/messages';
import type { ReplayProgress } from '$shared/lib/replay/click-replay';
import { KeyedSubscribers } from './subscribers';
import { parseStateMachineLog, STATE_MACHINE_LOG_SHOWN } from '../dashboard-feed';
import type { Audience, DashboardFeed, StoredFeed } from '../feed-types';
import { feedFor } from './public-feed';
import { AudienceFrames } from './dashboard-frames';
import type { SseFrame } from './sse';
import { SharedReads } from './shared-reads';

const AUDIENCES: readonly Audience[] = ['public', 'operator'];
const POLL_MS = 1_000;

export class DashboardHub {
  private readonly subscribers = new KeyedSubscribers<SseFrame>();
  private readonly frames = new AudienceFrames();
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly redis: () => Redis,
    private readonly replayWorkflowId: string,
    private readonly temporal: () => Promise<Client>,
  ) {}

  async start(): Promise<void> {
    const subscriber = this.redis().duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', () => {
      if (this.subscribers.size > 0) void this.refresh();
    });
    await subscriber.subscribe(DASHBOARD_CHANNEL);
    this.timer = setInterval(() => {
      if (this.subscribers.size > 0) void this.refresh();
    }, POLL_MS);
  }

  /** Registers a dashboard stream of `audience`; it gets the whole feed at once, then the parts that change. */
  subscribe(audience: Audience, listener: (frame: SseFrame) => void): () => void {
    const remove = this.subscribers.add(audience, listener);
    const current = this.frames.current(audience);
    if (current) listener(current);
    else void this.refresh();
    return () => {
      remove();
      // The last viewer of the audience left: the next one starts from a feed read then, not from this one's.
      if (!this.subscribers.has(audience)) this.frames.forget(audience);
    };
  }

  /** The current feed as `audience` sees it (for the first page load), read at most once a second for every page opened meanwhile. */
  read(audience: Audience): Promise<DashboardFeed> {
    return this.firstPaints.get(audience);
  }

  private readonly firstPaints = new SharedReads<DashboardFeed>(async (audience) => feedFor(await this.readStored(), audience as Audience), {
    freshMs: 1_000,
    maxReading: 2,
  });

  private async readStored(): Promise<StoredFeed> {
    const redis = this.redis();
    const [json, log] = await Promise.all([redis.get(DASHBOARD_KEY), redis.xrevrange(STATE_MACHINE_LOG_KEY, '+', '-', 'COUNT', STATE_MACHINE_LOG_SHOWN)]);
    return {
      aggregates: json ? (JSON.parse(json) as DashboardAggregates) : null,
      stateMachineLog: parseStateMachineLog(log),
      replay: await this.replayProgress(),
    };
  }

  private async replayProgress(): Promise<ReplayProgress | null> {
    try {
      return await (await this.temporal()).workflow.getHandle(this.replayWorkflowId).query(replayProgressQuery);
    } catch {
      return null; // no replay runs, or Temporal is down: the dashboard says so
    }
  }

  /** One refresh at a time; a request during one runs one more after it. */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          const stored = await this.readStored();
          const watched = AUDIENCES.filter((a) => this.subscribers.has(a));
          for (const [audience, frames] of this.frames.update(stored, watched)) for (const frame of frames) this.subscribers.publish(audience, frame);
        } catch {
          // Redis is down: keep the last feed; the health endpoint says why.
        }
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
