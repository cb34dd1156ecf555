/** `make status`: one JSON object, each service and worker up or down, with the reason when down. */
import { probe, probeAllWorkers, SERVICES } from '../clients/probes';
import { loadConfig } from '../lib/config';

const config = loadConfig();
const [services, workers] = await Promise.all([Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)), probeAllWorkers(config)]);
console.log(JSON.stringify({ ...Object.fromEntries(services), workers }, null, 2));
process.exit(0);
