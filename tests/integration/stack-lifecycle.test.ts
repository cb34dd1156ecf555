import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** A second stack on other ports and its own run folder, so the shared test stack stays up. */
const runDir = mkdtempSync(join(tmpdir(), 'clickstream-stack-'));
const env = {
  ...process.env,
  RUN_DIR: runDir,
  KAFKA_PORT: '19092',
  KAFKA_CONTROLLER_PORT: '19093',
  REDIS_PORT: '16379',
  TEMPORAL_PORT: '17233',
  TEMPORAL_UI_PORT: '18233',
  TEMPORAL_METRICS_PORT: '18234',
  WEB_PORT: '13000',
};

function make(target: string, extraEnv: Record<string, string> = {}) {
  const r = spawnSync('make', ['--no-print-directory', target], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Health {
  up: boolean;
  reason?: string;
}

/** Every service and worker that `make status` reports, by name. */
/** `make status`: each service, the web and each worker by name, and every process's metrics endpoint. */
function status(): { health: Record<string, Health>; metrics: (Health & { job: string })[] } {
  const r = make('status');
  expect(r.code).toBe(0);
  const { workers, metrics, ...services } = JSON.parse(r.out) as Record<string, Health> & {
    workers: Record<string, Health>;
    metrics: (Health & { job: string })[];
  };
  return { health: { ...services, ...Object.fromEntries(Object.entries(workers).map(([k, v]) => [`worker ${k}`, v])) }, metrics };
}

describe('the local stack', () => {
  afterAll(() => {
    make('down');
    rmSync(runDir, { recursive: true, force: true });
  });

  it('make up then make down, twice in a row; a second up reuses what runs', { timeout: 600_000 }, async () => {
    for (let round = 1; round <= 2; round++) {
      const up = make('up');
      expect(up.code, up.out).toBe(0);
      expect(up.out).toContain('Temporal UI');
      expect(up.out).toContain('Shop          http://127.0.0.1:13000/');
      // Consumers show up once their activities run and heartbeat, a few seconds after `make up`.
      let { health: running, metrics } = status();
      for (let i = 0; i < 15 && [...Object.values(running), ...metrics].some((s) => !s.up); i++) {
        await new Promise((r) => setTimeout(r, 2_000));
        ({ health: running, metrics } = status());
      }
      expect(Object.keys(running)).toEqual([
        'kafka',
        'redis',
        'temporal',
        'web',
        'prometheus',
        'worker orchestrator',
        'worker visitors',
        'worker enrichment',
        'worker aggregation',
        'worker detection',
      ]);
      expect(Object.entries(running).filter(([, s]) => !s.up)).toEqual([]);
      // Every process answers on its metrics port: the web and the four workers at least.
      expect(metrics.length).toBeGreaterThanOrEqual(5);
      expect(metrics.filter((m) => !m.up)).toEqual([]);

      const again = make('stack');
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/redis already running[\s\S]*kafka already running[\s\S]*temporal already running/);
      const workersAgain = make('workers');
      expect(workersAgain.out).toMatch(/worker-orchestrator already running[\s\S]*worker-aggregation-1 already running/);

      const down = make('down');
      expect(down.code, down.out).toBe(0);
      const { health: after } = status();
      expect(Object.values(after).some((s) => s.up)).toBe(false);
      expect(after.redis?.reason).toMatch(/ECONNREFUSED/);
    }
  });

  describe('a service that cannot start', () => {
    // A run folder of its own: nothing the lifecycle test above left running may answer for it.
    const failDir = mkdtempSync(join(tmpdir(), 'clickstream-fail-'));
    let squatter: Server;
    afterAll(() => {
      squatter?.close();
      rmSync(failDir, { recursive: true, force: true });
    });

    it('fails with an error naming the service and its log', { timeout: 120_000 }, async () => {
      // Something else holds the port and never speaks Redis: redis-server must fail to bind.
      squatter = createServer((socket) => socket.on('error', () => {}));
      await new Promise<void>((resolve) => squatter.listen(16380, '127.0.0.1', resolve));

      const r = spawnSync('stack/redis.sh', ['start'], { env: { ...env, RUN_DIR: failDir, REDIS_PORT: '16380' }, encoding: 'utf8', timeout: 60_000 });

      expect(r.status).toBe(1);
      expect(r.stderr).toContain('redis exited while starting');
      expect(r.stderr).toContain(`see its log: ${join(failDir, 'logs', 'redis.log')}`);
      expect(r.stderr).toMatch(/Address already in use/);
    });

    it('rejects an invalid setting at start, naming it', () => {
      const r = spawnSync('stack/kafka.sh', ['start'], { env: { ...env, KAFKA_PARTITIONS: 'many' }, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('KAFKA_PARTITIONS: expected a whole number');
    });
  });
});
