/**
 * A process's metrics endpoint (clients/metrics.ts) on loopback: `/metrics` in Prometheus' text
 * format on a free port, the target file Prometheus reads while it serves, gone after a graceful
 * stop; and the JSON log line (lib/log-line.ts).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { serveMetrics } from '../../clients/metrics';
import { logLine } from '../../lib/log-line';

describe('metrics endpoint', () => {
  it('serves /metrics on a free loopback port, registered in its target file until it stops', async () => {
    const targetsDir = mkdtempSync(join(tmpdir(), 'targets-'));
    const counter = new Counter({ name: 'clickstream_test_things_total', help: 'things', labelNames: ['kind'] });
    counter.inc({ kind: 'a' }, 3);
    // The SDK finds its first address taken (by an outgoing connection, say): another is tried.
    const tried: string[] = [];
    const bindTemporalSdk = (address: string) => {
      tried.push(address);
      if (tried.length === 1) throw new Error('Failed to start prometheus metrics exporter: Address already in use (os error 98)');
    };
    const endpoint = await serveMetrics({ host: '127.0.0.1', port: 0, targetsDir }, 'enrichment', 'enrichment-7', { bindTemporalSdk });
    try {
      expect(endpoint.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(tried).toHaveLength(2);
      expect(endpoint.temporalSdkAddress).toBe(tried[1]);
      const res = await fetch(`http://${endpoint.address}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('clickstream_test_things_total{kind="a"} 3');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`http://${endpoint.address}/`)).status).toBe(404);
      const file = join(targetsDir, 'enrichment-enrichment-7.json');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
        { targets: [endpoint.address], labels: { job: 'enrichment', worker: 'enrichment-7', pid: String(process.pid) } },
        { targets: [endpoint.temporalSdkAddress], labels: { job: 'temporal-sdk', worker: 'enrichment-7', pid: String(process.pid) } },
      ]);
      await endpoint.close();
      expect(existsSync(file)).toBe(false);
      await expect(fetch(`http://${endpoint.address}/metrics`)).rejects.toThrow();
    } finally {
      await endpoint.close();
    }
  });
});

describe('log lines', () => {
  it('are one JSON object each, with what JSON cannot hold written as text', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const line = logLine(
      'WARN',
      'consumer crashed',
      { offset: 12n, error: new TypeError('boom'), circular, trace_id: 'abc' },
      new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    );
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'WARN',
      msg: 'consumer crashed',
      offset: '12',
      error: 'TypeError: boom',
      circular: { a: 1, self: '[circular]' },
      trace_id: 'abc',
    });
  });
});
