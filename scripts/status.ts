/** `make status`: one JSON object, each service and worker up or down, with the reason when down. */
import { probe, probeWorkers, SERVICES } from '../clients/probes';
import { CONSUMER_KINDS } from '../lib/consumer-kinds';
import { loadConfig } from '../lib/config';
import { consumerTaskQueue } from '../lib/task-queues';

const config = loadConfig();
const base = config.temporal.taskQueue;
const [services, workers] = await Promise.all([
  Promise.all(SERVICES.map(async (s) => [s, await probe(s, config)] as const)),
  probeWorkers(config, [
    { taskQueue: base, type: 'workflow' },
    ...CONSUMER_KINDS.map((kind) => ({ taskQueue: consumerTaskQueue(base, kind), type: 'activity' as const })),
  ]),
]);
const [orchestrator, ...consumers] = workers;
console.log(
  JSON.stringify(
    {
      ...Object.fromEntries(services),
      workers: { orchestrator, ...Object.fromEntries(CONSUMER_KINDS.map((kind, i) => [kind, consumers[i]])) },
    },
    null,
    2,
  ),
);
process.exit(0);
