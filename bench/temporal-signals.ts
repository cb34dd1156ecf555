/**
 * The Temporal ceiling for offer detection: signal-with-start on the same server, at the detection
 * feed's concurrency, to a workflow that does nothing, hosted by a worker in this process.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { connectWorkerTemporal } from '../clients/temporal';
import type { Config } from '../lib/config';
import { noopClicksSignal, noopWorkflow } from './noop.workflow';
import { perSecond } from './stats';

const require = createRequire(import.meta.url);

export async function rawTemporalSignals(o: {
  config: Config['temporal'];
  client: Client;
  concurrency: number;
  durationMs: number;
  workflows: number;
}): Promise<{ signals: number; perSecond: number }> {
  const taskQueue = `bench-noop-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: await connectWorkerTemporal(o.config),
    namespace: o.config.namespace,
    taskQueue,
    workflowsPath: require.resolve('./noop.workflow.ts'),
  });
  const click = [{ clickId: 'c', productId: 'p', category: 'clothing', timestamp: 0, gender: 'M', age: 40 }];
  let signals = 0;
  let elapsed = 0;
  await worker.runUntil(async () => {
    const started = performance.now();
    const lane = async (lane: number) => {
      for (let i = lane; performance.now() - started < o.durationMs; i += o.concurrency) {
        await o.client.workflow.signalWithStart(noopWorkflow, {
          taskQueue,
          workflowId: `${taskQueue}-${i % o.workflows}`,
          signal: noopClicksSignal,
          signalArgs: [click],
        });
        signals += 1;
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, (_, i) => lane(i)));
    elapsed = performance.now() - started;
  });
  return { signals, perSecond: perSecond(signals, elapsed) };
}
