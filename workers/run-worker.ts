import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { connectWorkerTemporal } from '../clients/temporal';
import type { Config } from '../lib/config';

/**
 * Runs a Temporal worker until SIGTERM/SIGINT, then lets it cancel its activities (consumers
 * commit, flush and close) before the process exits. Prints `[ready]` once it polls, which the
 * stack scripts wait for.
 */
export async function runWorker(config: Config, name: string, options: Omit<WorkerOptions, 'connection' | 'namespace'>, cleanup: () => Promise<void> = async () => {}): Promise<void> {
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const connection = await connectWorkerTemporal(config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    // Running activities are cancelled at once on shutdown; they get this long to close cleanly.
    identity: `${name} (pid ${process.pid})`,
    shutdownGraceTime: '1 second',
    shutdownForceTime: '30 seconds',
    ...options,
  });
  console.log(`[ready] ${name} polls task queue ${options.taskQueue} (pid ${process.pid})`);
  try {
    await worker.run();
  } finally {
    await cleanup();
    await connection.close();
    console.log(`[stopped] ${name}`);
  }
}
