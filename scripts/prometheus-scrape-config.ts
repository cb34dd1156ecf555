/**
 * The local Prometheus' configuration, as data: a scrape job per kind of process the topology runs
 * (the orchestrator, each stage, the web server), each finding its processes in the target files
 * they register (METRICS_TARGETS_DIR: a worker's own metrics and its Temporal SDK's), the Temporal
 * server's metrics port, and Prometheus itself; the alert rules of PROMETHEUS_RULES_FILE.
 * scripts/prometheus-config.ts prints it for stack/prometheus.sh.
 */
import type { Config } from '../lib/config';
import type { Topology } from '../lib/topology';

/** How soon Prometheus notices a process that registered or went: it also watches the files. */
const TARGET_FILES_REFRESH = '5s';

export interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  file_sd_configs?: { files: string[]; refresh_interval: string }[];
}

export interface PrometheusConfig {
  global: { scrape_interval: string; scrape_timeout: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

/** The kinds of process that register metrics targets: what `make up` starts. */
export const processJobs = (topology: Topology): string[] => ['orchestrator', ...topology.stages.map((s) => s.kind), 'web'];

/** `rulesFile` and `targetsDir` as absolute paths (Prometheus resolves relative ones against its config's folder). */
export function prometheusConfig(config: Config, topology: Topology, paths: { rulesFile: string; targetsDir: string }): PrometheusConfig {
  const { scrapeIntervalS, port } = config.observability.prometheus;
  const interval = `${scrapeIntervalS}s`;
  return {
    global: { scrape_interval: interval, scrape_timeout: `${Math.min(scrapeIntervalS, 10)}s`, evaluation_interval: interval },
    rule_files: [paths.rulesFile],
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
      { job_name: 'temporal-server', static_configs: [{ targets: [`127.0.0.1:${config.observability.temporalServerMetricsPort}`] }] },
      // Each file names its targets' job: the process's kind, and temporal-sdk for its SDK's exporter.
      ...processJobs(topology).map((job) => ({
        job_name: job,
        file_sd_configs: [{ files: [`${paths.targetsDir}/${job}-*.json`], refresh_interval: TARGET_FILES_REFRESH }],
      })),
    ],
  };
}
