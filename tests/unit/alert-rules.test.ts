/**
 * The alert rules (stack/prometheus/alerts.yml) under promtool's own unit tests
 * (stack/prometheus/alerts.test.yml: each alert firing on made-up series and quiet on healthy ones),
 * the metric names they use against the ones the code defines, and the generated Prometheus config
 * checked by promtool. `make unit` installs Debian's prometheus (promtool) first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { PROJECT_METRICS } from '../../lib/metrics';
import { processJobs, prometheusConfig } from '../../scripts/prometheus-scrape-config';
import { topology } from '../../lib/topology';

const RULES = 'stack/prometheus/alerts.yml';

const promtool = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });

describe('alert rules', () => {
  it("pass promtool's tests: every alert fires on its case and stays quiet on the healthy ones", () => {
    const run = promtool('test', 'rules', 'stack/prometheus/alerts.test.yml');
    expect(run.error, "promtool not found: run `make unit` (it installs Debian's prometheus)").toBeUndefined();
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
    const alerts = [...readFileSync(RULES, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alerts).toEqual(['StageStalled', 'ConsumerLagHigh', 'DeadLettersHigh', 'ClickToOfferSlow', 'WorkerDown', 'ServiceDown', 'WebErrors']);
    const tested = new Set([...readFileSync('stack/prometheus/alerts.test.yml', 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect([...tested].sort()).toEqual([...alerts].sort());
  });

  it('use only metrics the code defines', () => {
    const used = new Set([...readFileSync(RULES, 'utf8').matchAll(/\b(clickstream_\w+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')));
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !PROJECT_METRICS.includes(name))).toEqual([]);
  });
});

describe('the generated Prometheus config', () => {
  it('scrapes each kind of process from its target files, the Temporal server and itself; promtool accepts it', () => {
    const config = loadConfig({ RUN_DIR: '/run/cs' });
    const generated = prometheusConfig(config, topology(config), { rulesFile: resolve(RULES), targetsDir: '/run/cs/metrics-targets' });
    expect(generated.scrape_configs.map((s) => s.job_name)).toEqual([
      'prometheus',
      'temporal-server',
      'orchestrator',
      'enrichment',
      'aggregation',
      'detection',
      'web',
    ]);
    expect(processJobs(topology(config))).toEqual(['orchestrator', 'enrichment', 'aggregation', 'detection', 'web']);
    expect(generated.scrape_configs.find((s) => s.job_name === 'detection')!.file_sd_configs![0]!.files).toEqual(['/run/cs/metrics-targets/detection-*.json']);
    expect(generated.scrape_configs[1]!.static_configs).toEqual([{ targets: ['127.0.0.1:8234'] }]);
    expect(generated.global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '15s' });
    const file = join(mkdtempSync(join(tmpdir(), 'prometheus-config-')), 'prometheus.yml');
    writeFileSync(file, JSON.stringify(generated));
    const check = promtool('check', 'config', file);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
