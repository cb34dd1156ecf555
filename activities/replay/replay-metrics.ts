/** The replay's metrics, in the orchestrator that runs its chunks; lib/metrics.ts names them. */
import { Counter, Gauge } from 'prom-client';
import { REPLAY_METRICS as M } from '../../lib/metrics';

export const replayMetrics = {
  rows: new Counter({
    name: M.rows,
    help: 'Rows of the click log the replay committed: sent as clicks, or rejected to the dead-letter topic.',
    labelNames: ['outcome'],
  }),
  rowsPerSecond: new Gauge({
    name: M.rowsPerSecond,
    help: "Clicks per second the replay's last chunk sent, and the mode of its pace (original timing, fixed rate, max).",
    labelNames: ['mode'],
  }),
};
