/** GET /api/health: each service, each worker kind, the web server's own consumers, and consumer lag. */
import { probe, probeAllWorkers, probeConsumerLag, SERVICES, type GroupLag, type Probe, type WorkerHealth } from '$shared/clients/probes';
import type { ConsumerKind } from '$shared/lib/consumer-kinds';
import { refusals } from './limits';
import { config, offersHub } from './services';

export type { GroupLag };

export interface Health {
  /** Every service, worker and the web server's offers consumer is up. */
  up: boolean;
  /** When the services, workers and lags below were probed (ms since the epoch). */
  checkedAt: number;
  services: Record<string, Probe>;
  workers: Record<'orchestrator' | ConsumerKind, WorkerHealth>;
  /** The web server's own: its offers consumer, and how often each of its limits refused a client since it started. */
  web: { offersConsumer: ReturnType<typeof offersHub.status>; refusals: ReturnType<typeof refusals> };
  consumerLag: Record<ConsumerKind, GroupLag>;
}

type Probed = Omit<Health, 'up' | 'web'>;

async function probeAll(): Promise<Probed> {
  const [services, workers, consumerLagByKind] = await Promise.all([
    Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)),
    probeAllWorkers(config),
    probeConsumerLag(config, 'web-health'),
  ]);
  return { checkedAt: Date.now(), services: Object.fromEntries(services), workers, consumerLag: consumerLagByKind };
}

/** A probe this recent answers a request without a new one. */
const FRESH_MS = 2_000;
/** Re-probing in the background goes on this long after the last request. */
const WATCHED_MS = 30_000;

let latest: Probed | undefined;
let running: Promise<Probed> | undefined;
let lastAsked = 0;
let watcher: NodeJS.Timeout | undefined;

function reprobe(): Promise<Probed> {
  running ??= probeAll()
    .then((probed) => (latest = probed))
    .finally(() => (running = undefined));
  return running;
}

/**
 * A probe opens a connection to every service and takes 50 to 250 ms on a busy machine, so
 * requests do not each run one: they share the one running, and while someone keeps asking, the
 * server re-probes every second in the background and answers at once from the latest probe.
 * The web server's own part (its offers consumer) is read afresh for every answer.
 */
export async function checkHealth(): Promise<Health> {
  lastAsked = Date.now();
  watcher ??= setInterval(() => {
    if (Date.now() - lastAsked < WATCHED_MS) return void reprobe();
    clearInterval(watcher);
    watcher = undefined;
  }, FRESH_MS / 2).unref();
  const probed = latest && Date.now() - latest.checkedAt <= FRESH_MS ? latest : await reprobe();
  const offersConsumer = offersHub.status();
  return {
    up: Object.values(probed.services).every((p) => p.up) && Object.values(probed.workers).every((w) => w.up) && offersConsumer.up,
    ...probed,
    web: { offersConsumer, refusals: refusals() },
  };
}

/** Health as anyone may see it: what is up, the lags and the refusals, without addresses, versions, pids, queues or groups. */
export type PublicHealth = Pick<Health, 'up' | 'checkedAt'> & {
  services: Record<string, { up: boolean }>;
  workers: Record<string, { up: boolean }>;
  web: { offersConsumer: { up: boolean; streams: number }; refusals: Health['web']['refusals'] };
  consumerLag: Record<string, { lag: number | null }>;
};

const upOnly = (parts: Record<string, { up: boolean }>) => Object.fromEntries(Object.entries(parts).map(([name, { up }]) => [name, { up }]));

export function publicHealth(health: Health): PublicHealth {
  return {
    up: health.up,
    checkedAt: health.checkedAt,
    services: upOnly(health.services),
    workers: upOnly(health.workers),
    web: { offersConsumer: { up: health.web.offersConsumer.up, streams: health.web.offersConsumer.streams }, refusals: health.web.refusals },
    consumerLag: Object.fromEntries(Object.entries(health.consumerLag).map(([kind, { lag }]) => [kind, { lag }])),
  };
}
