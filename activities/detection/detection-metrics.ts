/** The detection's metrics: the feed's signals (stream worker) and the offers sent (orchestrator); lib/metrics.ts names them. */
import { Counter, Gauge, Histogram } from 'prom-client';
import { CLICK_TO_OFFER_BUCKETS, DETECTION_METRICS as M, DURATION_BUCKETS } from '../../lib/metrics';

export const detectionMetrics = {
  signals: new Counter({
    name: M.signals,
    help: 'Signals the detection feed sent to visitor workflows: `signal_with_start` for clicks that may start a sequence, `signal` for the rest (outcome not_running: no workflow to take them).',
    labelNames: ['kind', 'outcome'],
  }),
  signalSeconds: new Histogram({
    name: M.signalSeconds,
    help: "Time a signal or signal-with-start took, Temporal's answer included.",
    labelNames: ['kind'],
    buckets: DURATION_BUCKETS,
  }),
  runningVisitors: new Gauge({
    name: M.runningVisitors,
    help: 'Visitors whose workflow may be running, as the feed counts them (everyone it signalled within their idle timeout).',
  }),
  offersSent: new Counter({ name: M.offersSent, help: 'Offers committed to the offers topic.' }),
  clickToOfferSeconds: new Histogram({
    name: M.clickToOfferSeconds,
    help: "From the offer's triggering click (its event time) to the offer committed on the offers topic.",
    buckets: CLICK_TO_OFFER_BUCKETS,
  }),
};
