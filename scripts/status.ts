/**
 * `make status`: one JSON object, each service, worker and the web app up or down, with the reason
 * when down; each stage's workers also with their consumer group, input topic and lag (`consumer`),
 * and how many consumers the stage runtime's watchdog replaced (`watchdogRestarts`); every
 * process's metrics address and whether it answers (`metrics`); Prometheus and the alerts it has
 * firing (`prometheus`).
 */
import { firingAlerts, probe, probeAllWorkers, probeConsumerLag, probeMetricsTargets, SERVICES } from '../clients/probes';
import { apiToken } from '../clients/secrets';
import { loadConfig } from '../lib/config';

const config = loadConfig();

/**
 * The web app answers its health route (200, or 503 when something it needs is down), with how
 * often each of its limits refused a client (`refusals`).
 */
async function probeWeb(): Promise<{ up: boolean; address: string; detail?: string; reason?: string; refusals?: Record<string, number> }> {
  const address = `http://127.0.0.1:${config.web.port}/`;
  try {
    // The operator's view (the token in API_TOKEN or its file): anyone else's leaves out what the status lists beside it anyway.
    const token = apiToken(config.web);
    const res = await fetch(new URL('api/health', address), { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { web?: { refusals?: Record<string, number> } };
    return { up: true, address, detail: `HTTP ${res.status} from /api/health`, refusals: body.web?.refusals };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { up: false, address, reason: [e.cause?.code, e.message].filter(Boolean).join(': ') };
  }
}

const [services, workers, lags, web, metrics, prometheus, alerts] = await Promise.all([
  Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)),
  probeAllWorkers(config),
  probeConsumerLag(config, 'status'),
  probeWeb(),
  probeMetricsTargets(config),
  probe('prometheus', config),
  firingAlerts(config),
]);
const withLag = Object.fromEntries(Object.entries(workers).map(([name, w]) => [name, name in lags ? { ...w, consumer: lags[name as keyof typeof lags] } : w]));
console.log(
  JSON.stringify(
    {
      ...Object.fromEntries(services),
      workers: withLag,
      web,
      metrics,
      prometheus: { ...prometheus, firingAlerts: alerts.alerts, ...(alerts.reason && { alertsReason: alerts.reason }) },
    },
    null,
    2,
  ),
);
process.exit(0);
