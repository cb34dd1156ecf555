import { hostname } from 'node:os';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { connectWorkerTemporal } from '../clients/temporal';
import type { Config } from '../lib/config';
import { workerIdentity } from '../lib/worker-liveness';

/** One Temporal Worker of a process: what it polls and hosts, and the name it shows in `make status`. */
export interface WorkerSpec {
  name: string;
  options: Omit<WorkerOptions, 'connection' | 'namespace' | 'identity'>;
}

/**
 * Runs a process's Temporal Workers, on one connection, until SIGTERM/SIGINT, then lets them cancel
 * their activities (consumers commit, flush and close) before the process exits. Prints `[ready]`
 * once every one polls, which the stack scripts wait for. When one Worker fails, the others stop
 * too: the process never lives on half working.
 */
export async function runWorkers(config: Config, name: string, specs: WorkerSpec[], cleanup: () => Promise<void> = async () => {}): Promise<void> {
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const connection = await connectWorkerTemporal(config.temporal);
  const workers = await Promise.all(
    specs.map((spec) =>
      Worker.create({
        connection,
        namespace: config.temporal.namespace,
        identity: workerIdentity(spec.name, process.pid, hostname()),
        // Running activities are cancelled at once on shutdown; they get this long to close cleanly.
        shutdownGraceTime: '1 second',
        shutdownForceTime: '30 seconds',
        ...spec.options,
      }),
    ),
  );
  console.log(`[ready] ${name} polls task queue ${specs.map((s) => s.options.taskQueue).join(', ')} (pid ${process.pid})`);
  try {
    const outcomes = await Promise.allSettled(
      workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          for (const other of workers) if (other !== worker && other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      ),
    );
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await cleanup();
    await connection.close();
    console.log(`[stopped] ${name}`);
  }
}
