/**
 * A process's Prometheus endpoint: prom-client's registry (every metric of the process, and Node's
 * own: CPU, memory, event-loop lag) served as `/metrics` on METRICS_HOST:METRICS_PORT, never on the
 * public web port. With port 0 (the default) the process takes any free port, so test-private
 * workers never collide with the stack's; it registers the address it got in a file_sd target file
 * (METRICS_TARGETS_DIR), which Prometheus watches, and removes it on a graceful stop. A killed
 * process leaves its file: Prometheus then finds the target down, which is what "worker down" alerts on.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { collectDefaultMetrics, register } from 'prom-client';
import type { Config } from '../lib/config';
import { targetFileName, TEMPORAL_SDK_JOB, type MetricsTargetGroup } from '../lib/metrics';

export interface MetricsEndpoint {
  /** host:port of this process's `/metrics`. */
  address: string;
  /** Where the Temporal SDK of a worker serves its own metrics (its Runtime binds it), if asked to. */
  temporalSdkAddress: string | null;
  /** Stops serving and unregisters. */
  close(): Promise<void>;
}

let defaultsCollected = false;

/** Tries another free port this many times when the one it found was taken before the SDK bound it. */
const SDK_BIND_ATTEMPTS = 3;

/**
 * Serves this process's metrics as `job` (its kind: orchestrator, a stage, web) and `worker` (its
 * name), and registers them. `bindTemporalSdk`: binds the Temporal SDK's own exporter (a worker's
 * Runtime) at an address found for it, registered under the job `temporal-sdk`.
 */
export async function serveMetrics(
  config: Config['observability']['metrics'],
  job: string,
  worker: string,
  { bindTemporalSdk }: { bindTemporalSdk?: (address: string) => void } = {},
): Promise<MetricsEndpoint> {
  if (!defaultsCollected) {
    collectDefaultMetrics();
    defaultsCollected = true;
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  // Scrapes must never keep a stopping process alive.
  server.unref();
  const address = await listen(server, config.host, config.port);
  const temporalSdkAddress = bindTemporalSdk ? await bindElsewhere(config, bindTemporalSdk) : null;
  const file = join(config.targetsDir, targetFileName(job, worker));
  const pid = String(process.pid);
  const groups: MetricsTargetGroup[] = [{ targets: [address], labels: { job, worker, pid } }];
  if (temporalSdkAddress) groups.push({ targets: [temporalSdkAddress], labels: { job: TEMPORAL_SDK_JOB, worker, pid } });
  writeTargets(file, groups);
  let closed: Promise<void> | undefined;
  return {
    address,
    temporalSdkAddress,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        rmSync(file, { force: true });
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Written whole, then renamed: Prometheus never reads half a file. */
function writeTargets(file: string, groups: MetricsTargetGroup[]): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(groups, null, 2)}\n`);
  renameSync(partial, file);
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(hostPort(host, (server.address() as AddressInfo).port));
    });
  });
}

/**
 * The SDK binds its exporter itself, in its native core, at a fixed address: a free port is found
 * for it here and bound by it at once; should another process take the port in between (an
 * outgoing connection may), another is tried.
 */
async function bindElsewhere(config: Config['observability']['metrics'], bind: (address: string) => void): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const address = await freeAddress(config.host, config.port === 0 ? 0 : config.port + 1);
    try {
      bind(address);
      return address;
    } catch (err) {
      if (config.port !== 0 || attempt >= SDK_BIND_ATTEMPTS || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** An address for a server this process does not start itself: port 0 asks the system for a free one, released at once. */
async function freeAddress(host: string, port: number): Promise<string> {
  const probe = createServer();
  const address = await listen(probe, host, port);
  await new Promise((resolve) => probe.close(resolve));
  return address;
}
