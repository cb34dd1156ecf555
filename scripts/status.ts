/**
 * `make status`: one JSON object, each service, worker and the web app up or down, with the reason
 * when down; each stage's workers also with their consumer group, input topic and lag (`consumer`),
 * and how many consumers the stage runtime's watchdog replaced (`watchdogRestarts`).
 */
import { probe, probeAllWorkers, probeConsumerLag, SERVICES } from '../clients/probes';
import { loadConfig } from '../lib/config';

const config = loadConfig();

/** The web app answers its start page. */
async function probeWeb(): Promise<{ up: boolean; address: string; detail?: string; reason?: string }> {
  const address = `http://127.0.0.1:${config.web.port}/`;
  try {
    const res = await fetch(address, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? { up: true, address, detail: `HTTP ${res.status}` } : { up: false, address, reason: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { up: false, address, reason: [e.cause?.code, e.message].filter(Boolean).join(': ') };
  }
}

const [services, workers, lags, web] = await Promise.all([
  Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)),
  probeAllWorkers(config),
  probeConsumerLag(config, 'status'),
  probeWeb(),
]);
const withLag = Object.fromEntries(Object.entries(workers).map(([name, w]) => [name, name in lags ? { ...w, consumer: lags[name as keyof typeof lags] } : w]));
console.log(JSON.stringify({ ...Object.fromEntries(services), workers: withLag, web }, null, 2));
process.exit(0);
