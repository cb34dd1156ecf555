/**
 * The one typed configuration of clickstream. Every setting is an env var with a default;
 * `loadConfig` validates them all and throws a `ConfigError` naming each invalid one, so a bad
 * deployment fails at start instead of at the first message. docs/configuration.md lists the same table
 * (`npx tsx scripts/config.ts --markdown` prints it from the definitions below).
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

interface Setting<T> {
  readonly name: string;
  readonly doc: string;
  /** The default as it reads in docs; `null` means unset. */
  readonly fallback: string | null;
  parse(raw: string): T;
}

const SETTINGS: Setting<unknown>[] = [];

function setting<T>(name: string, fallback: string | null, doc: string, parse: (raw: string) => T): Setting<T> {
  const s: Setting<T> = { name, fallback, doc, parse };
  SETTINGS.push(s as Setting<unknown>);
  return s;
}

const text = (raw: string): string => raw;

function integer(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
      throw new Error(`expected a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
}

const port = integer(1, 65535);

/** Temporal's rule for a custom search attribute's name (it also goes unquoted into visibility queries); `none`: no attribute (an empty variable is unset, as for every setting). */
function searchAttributeName(raw: string): string | null {
  if (raw === 'none') return null;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(raw)) throw new Error(`expected a letter then letters, digits or _, or none, got "${raw}"`);
  return raw;
}

function bool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
}

function oneOf<const T extends string>(...values: T[]) {
  return (raw: string): T => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
  };
}

function hostPortList(raw: string): string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('expected at least one host:port');
  for (const hp of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(hp)) throw new Error(`expected host:port, got "${hp}"`);
  }
  return list;
}

function hostPort(raw: string): string {
  const [one, ...rest] = hostPortList(raw);
  if (rest.length > 0) throw new Error(`expected a single host:port, got "${raw}"`);
  return one!;
}

function hostNameList(raw: string): string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) throw new Error('expected at least one host name');
  for (const h of list) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(h)) throw new Error(`expected a host name without port, got "${h}"`);
  }
  return list;
}

/** A credential: long enough that guessing it is hopeless. */
function secret(raw: string): string {
  if (raw.length < 16 || /\s/.test(raw)) throw new Error('expected at least 16 characters without white space');
  return raw;
}

/** A token bucket: `<count>/<s|min|h>,<burst>`, e.g. `5/s,30`: 5 a second on average, 30 at once. */
function rateLimit(raw: string): { perSecond: number; burst: number } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|min|h)\s*,\s*(\d+)\s*$/.exec(raw);
  const perSecond = match ? Number(match[1]) / { s: 1, min: 60, h: 3600 }[match[2] as 's' | 'min' | 'h'] : 0;
  const burst = match ? Number(match[3]) : 0;
  if (!(perSecond > 0) || burst < 1 || burst > 1_000_000)
    throw new Error(`expected <count>/<s|min|h>,<burst> such as 5/s,30 (a count above 0, a burst of 1 to 1000000), got "${raw}"`);
  return { perSecond, burst };
}

function topicName(raw: string): string {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(raw)) throw new Error(`not a valid Kafka topic name: "${raw}"`);
  return raw;
}

const S = {
  runDir: setting('RUN_DIR', '.run', "Folder (git-ignored) for the local stack's data, logs and pid files.", text),
  toolsDir: setting('TOOLS_DIR', '.tools', 'Folder (git-ignored) where `make install` puts the Kafka jars and the temporal CLI.', text),
  stateDir: setting('STATE_DIR', '${RUN_DIR}/state', "Folder of the workers' local LevelDB state stores.", text),
  workerName: setting(
    'WORKER_NAME',
    'worker-1',
    'Name of this worker process: its state store folder and Kafka client ids carry it, so a restart finds its state again.',
    (raw) => {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(raw)) throw new Error(`expected letters, digits, - or _, got "${raw}"`);
      return raw;
    },
  ),
  workerHeapMb: setting(
    'WORKER_HEAP_MB',
    '160',
    'V8 old-space limit of each worker process in MB (`--max-old-space-size`): memory stays bounded rather than growing until the machine pushes back.',
    integer(64, 16_384),
  ),
  workflowCacheSize: setting(
    'WORKFLOW_CACHE_SIZE',
    '100',
    'Workflow runs the orchestrator keeps in memory (about 0.2 MB each, outside the V8 heap); one evicted replays its history at its next signal.',
    integer(1, 100_000),
  ),
  workersPerKind: setting(
    'WORKERS_PER_KIND',
    '1',
    "Stream worker processes `make up` starts per consumer kind, and consumers each kind's workflow keeps running.",
    integer(1, 16),
  ),
  logLevel: setting('LOG_LEVEL', 'WARN', 'Log level of the Temporal workers: DEBUG, INFO, WARN or ERROR.', oneOf('DEBUG', 'INFO', 'WARN', 'ERROR')),
  dataDir: setting('DATA_DIR', 'data', 'Folder of products.json, users.json and the clickstream CSV.', text),
  dataSeed: setting('DATA_SEED', '20260101', 'Seed of the data generator; the same seed gives byte-identical files.', integer(0, 2 ** 31 - 1)),
  dataClickRows: setting('DATA_CLICK_ROWS', '600000', 'Rows of the generated 15-day clickstream CSV.', integer(1, 50_000_000)),
  dataUsers: setting('DATA_USERS', '40000', 'Visitors in the generated users.json.', integer(1, 10_000_000)),

  kafkaPort: setting('KAFKA_PORT', '9092', 'Port of the local Kafka broker started by `make up`.', port),
  kafkaControllerPort: setting('KAFKA_CONTROLLER_PORT', '9093', 'KRaft controller port of the local broker.', port),
  kafkaHeap: setting('KAFKA_HEAP', '512m', 'Java heap of the local broker (-Xmx).', (raw) => {
    if (!/^\d+[mg]$/.test(raw)) throw new Error(`expected a size like 512m or 1g, got "${raw}"`);
    return raw;
  }),
  kafkaBrokers: setting('KAFKA_BROKERS', '127.0.0.1:${KAFKA_PORT}', 'Comma-separated bootstrap servers.', hostPortList),
  kafkaClient: setting(
    'KAFKA_CLIENT',
    'kafkajs',
    'Kafka client of the stream stages: platformatic (@platformatic/kafka) or kafkajs.',
    oneOf('platformatic', 'kafkajs'),
  ),
  kafkaClientId: setting('KAFKA_CLIENT_ID', 'clickstream', 'Client id prefix of every Kafka client.', text),
  kafkaSsl: setting('KAFKA_SSL', 'false', 'Use TLS to reach Kafka (managed clusters).', bool),
  kafkaSslCaFile: setting('KAFKA_SSL_CA_FILE', null, "PEM file of the CA that signs the brokers' certificates, when not a public one.", text),
  kafkaSaslMechanism: setting(
    'KAFKA_SASL_MECHANISM',
    'none',
    'SASL mechanism: none, plain, scram-sha-256 or scram-sha-512.',
    oneOf('none', 'plain', 'scram-sha-256', 'scram-sha-512'),
  ),
  kafkaSaslUsername: setting('KAFKA_SASL_USERNAME', null, 'SASL user name (required with a SASL mechanism).', text),
  kafkaSaslPassword: setting('KAFKA_SASL_PASSWORD', null, 'SASL password (required with a SASL mechanism).', text),
  kafkaPartitions: setting('KAFKA_PARTITIONS', '6', 'Partitions of each topic the project creates.', integer(1, 1000)),
  kafkaReplicationFactor: setting('KAFKA_REPLICATION_FACTOR', '1', 'Replication factor of each topic the project creates.', integer(1, 10)),
  kafkaMinInsyncReplicas: setting(
    'KAFKA_MIN_INSYNC_REPLICAS',
    null,
    "Replicas that must have a record before a write with acks=all (every producer here) succeeds: the `min.insync.replicas` of each topic the project creates, at most KAFKA_REPLICATION_FACTOR. Unset: the cluster's default.",
    integer(1, 10),
  ),
  topicClicks: setting('TOPIC_CLICKS', 'click-data', 'Topic of raw clicks (producer and shop write it).', topicName),
  topicEnriched: setting('TOPIC_ENRICHED', 'enriched-click-data', 'Topic of enriched clicks.', topicName),
  topicOffers: setting('TOPIC_OFFERS', 'special-offers', 'Topic of offers sent to visitors.', topicName),
  topicDeadLetter: setting('TOPIC_DEAD_LETTER', 'dead-letter', 'Topic of rejected input, each record with its reason.', topicName),
  topicReplayPositions: setting(
    'TOPIC_REPLAY_POSITIONS',
    'replay-positions',
    "Compacted topic of each click replay's position, committed in the same transaction as the clicks before it.",
    topicName,
  ),

  redisHost: setting('REDIS_HOST', '127.0.0.1', 'Redis host.', text),
  redisPort: setting('REDIS_PORT', '6379', 'Redis port (the local server listens here).', port),
  redisUsername: setting('REDIS_USERNAME', null, 'Redis ACL user name (managed Redis).', text),
  redisPassword: setting('REDIS_PASSWORD', null, 'Redis password (managed Redis); when unset, the one in REDIS_PASSWORD_FILE.', text),
  redisPasswordFile: setting(
    'REDIS_PASSWORD_FILE',
    '${RUN_DIR}/redis-password',
    'Where `make up` keeps the random password it starts the local Redis with (git-ignored); read when REDIS_PASSWORD is unset and the file exists.',
    text,
  ),
  redisTls: setting('REDIS_TLS', 'false', 'Use TLS to reach Redis.', bool),
  redisDb: setting('REDIS_DB', '0', 'Redis database number.', integer(0, 15)),

  temporalPort: setting('TEMPORAL_PORT', '7233', 'gRPC port of the local Temporal dev server.', port),
  temporalUiPort: setting('TEMPORAL_UI_PORT', '8233', 'Web UI port of the local Temporal dev server.', port),
  temporalAddress: setting('TEMPORAL_ADDRESS', '127.0.0.1:${TEMPORAL_PORT}', 'Temporal frontend host:port.', hostPort),
  temporalNamespace: setting('TEMPORAL_NAMESPACE', 'default', 'Temporal namespace.', text),
  temporalTaskQueue: setting('TEMPORAL_TASK_QUEUE', 'clickstream', 'Task queue of the clickstream workers.', text),
  temporalVisitorTaskQueue: setting(
    'TEMPORAL_VISITOR_TASK_QUEUE',
    '${TEMPORAL_TASK_QUEUE}-visitors',
    'Task queue of the visitor offer workflows and their activities, served by a Worker of its own in the orchestrator: a burst of visitors cannot delay the ingestion, replay and consumer workflows.',
    text,
  ),
  replayWorkflowId: setting(
    'REPLAY_WORKFLOW_ID',
    'replay-clicks',
    'Workflow id of the click replay: `scripts/replay.ts` starts and steers it, the dashboard shows and steers it.',
    text,
  ),
  temporalApiKey: setting('TEMPORAL_API_KEY', null, 'API key (Temporal Cloud); implies TLS.', text),
  temporalTls: setting('TEMPORAL_TLS', 'false', 'Use TLS to reach Temporal.', bool),
  temporalTlsCertFile: setting('TEMPORAL_TLS_CERT_FILE', null, 'Client certificate (PEM) for mTLS.', text),
  temporalTlsKeyFile: setting('TEMPORAL_TLS_KEY_FILE', null, 'Client key (PEM) for mTLS.', text),
  temporalUiUrl: setting('TEMPORAL_UI_URL', 'http://127.0.0.1:${TEMPORAL_UI_PORT}', 'Where people open the Temporal UI.', text),

  allowedLatenessS: setting(
    'ALLOWED_LATENESS_S',
    '300',
    "How long after its minute ends a click still counts in the dashboard's windows (event time, by the partition's newest click). A later one is counted as a late event only, never folded into a closed window.",
    integer(0, 30 * 60),
  ),
  visitorIdleMinutes: setting(
    'VISITOR_IDLE_MINUTES',
    '30',
    "A visitor's offer workflow completes after this many minutes without clicks; the next click starts it again.",
    integer(1, 7 * 24 * 60),
  ),
  offerStateSearchAttribute: setting(
    'OFFER_STATE_SEARCH_ATTRIBUTE',
    'OfferState',
    'Keyword search attribute each visitor workflow keeps its offer state in: the dashboard\'s funnel counts by it, and the Temporal UI lists e.g. `OfferState="shoes_visited"`. stack/temporal.sh registers it; on another Temporal, register it (docs/offers.md, "The funnel, live") or set it to `none` for no funnel.',
    searchAttributeName,
  ),

  webPort: setting('WEB_PORT', '3000', 'Port of the SvelteKit shop and dashboard.', port),
  apiToken: setting(
    'API_TOKEN',
    null,
    "The operator's credential: control and admin routes need it, as `Authorization: Bearer <token>` or the cookie its sign-in link sets. When unset, the one in API_TOKEN_FILE.",
    secret,
  ),
  apiTokenFile: setting(
    'API_TOKEN_FILE',
    '${RUN_DIR}/api-token',
    'Where `make up` keeps the random operator token it makes when API_TOKEN is unset (git-ignored).',
    text,
  ),
  webAllowedHosts: setting(
    'WEB_ALLOWED_HOSTS',
    'localhost,127.0.0.1,[::1]',
    'Host names the web app answers to (the `Host` header, any port); another gets `403`, so a DNS-rebinding page cannot reach it. Add the public name when serving one.',
    hostNameList,
  ),
  webHeadersTimeoutS: setting(
    'WEB_HEADERS_TIMEOUT_S',
    '10',
    "Seconds a client may take to send a request's headers before the web server drops the connection.",
    integer(1, 600),
  ),
  webBodyTimeoutS: setting(
    'WEB_BODY_TIMEOUT_S',
    '30',
    'Seconds a client may take to send a whole request (headers and body) before the web server answers `408` and closes.',
    integer(1, 3600),
  ),
  webMaxDashboardStreams: setting(
    'WEB_MAX_DASHBOARD_STREAMS',
    '200',
    'Dashboard event streams (`GET /api/dashboard`) the web server keeps open at once; one more gets `503`.',
    integer(1, 100_000),
  ),
  webMaxOfferStreams: setting(
    'WEB_MAX_OFFER_STREAMS',
    '5000',
    'Offer event streams (`GET /api/offers`) the web server keeps open at once; one more gets `503`.',
    integer(1, 1_000_000),
  ),
  webStreamLagLimitS: setting(
    'WEB_STREAM_LAG_LIMIT_S',
    '30',
    "Seconds an event stream's client may take nothing while updates wait for it (it gets only the newest of each meanwhile); then the server drops the connection.",
    integer(1, 3600),
  ),
  webClicksPerVisitor: setting(
    'WEB_CLICKS_PER_VISITOR',
    '5/s,30',
    "Clicks (`POST /api/clicks`) one shop visitor may send: `<count>/<s|min|h>,<burst>`; more get `429` with `Retry-After`. The operator's token is not limited (load tests).",
    rateLimit,
  ),
  webClicksPerAddress: setting(
    'WEB_CLICKS_PER_ADDRESS',
    '50/s,300',
    'Clicks one client address may send, whatever visitors it claims to be (an IPv6 address counts by its /64); more get `429`.',
    rateLimit,
  ),
  webNewVisitorsPerAddress: setting(
    'WEB_NEW_VISITORS_PER_ADDRESS',
    '20/min,40',
    'New visitor ids one client address may get (`POST /api/visitor`, or a first page view without the cookie); more get `429`, or the page without a visitor.',
    rateLimit,
  ),
  webMaxStreamsPerAddress: setting(
    'WEB_MAX_STREAMS_PER_ADDRESS',
    '16',
    'Event streams of each kind (dashboard, offers) one client address may hold open at once; one more gets `429`, so no client takes the whole pool.',
    integer(1, 1_000_000),
  ),
  webStreamMaxBehind: setting(
    'WEB_STREAM_MAX_BEHIND',
    '24',
    "Frames an event stream's client may miss (newer ones of the same part replaced them before it took them) since it last caught up; one more and the server drops it.",
    integer(1, 1_000_000),
  ),
  webMaxBacktests: setting(
    'WEB_MAX_BACKTESTS',
    '2',
    'Rule backtests (`POST /api/rules/backtest`) the web server runs at once; one more gets `429`.',
    integer(1, 100),
  ),
  metricsHost: setting(
    'METRICS_HOST',
    '127.0.0.1',
    'Address each process serves its Prometheus metrics (`/metrics`) on: loopback, never the public web port. 0.0.0.0 where Prometheus scrapes from another host.',
    text,
  ),
  metricsPort: setting(
    'METRICS_PORT',
    '0',
    "Port of a process's `/metrics`; 0: any free one, which the process registers in METRICS_TARGETS_DIR. Given a port, a worker's Temporal SDK metrics take the next one.",
    integer(0, 65534),
  ),
  metricsTargetsDir: setting(
    'METRICS_TARGETS_DIR',
    '${RUN_DIR}/metrics-targets',
    "Where each running process registers its metrics address (one JSON file each, Prometheus file_sd format), removed on a graceful stop; a killed process's file stays, so Prometheus sees it down.",
    text,
  ),
  temporalMetricsPort: setting('TEMPORAL_METRICS_PORT', '8234', "Port of the local Temporal dev server's `/metrics`.", port),
  prometheusPort: setting('PROMETHEUS_PORT', '9090', 'Port of the local Prometheus started by `make up`.', port),
  prometheusUrl: setting(
    'PROMETHEUS_URL',
    'http://127.0.0.1:${PROMETHEUS_PORT}',
    "Where `make status` and the operator's dashboard ask Prometheus for firing alerts.",
    text,
  ),
  prometheusScrapeIntervalS: setting(
    'PROMETHEUS_SCRAPE_INTERVAL_S',
    '15',
    "Seconds between Prometheus' scrapes of every process, and between its evaluations of the alert rules.",
    integer(1, 600),
  ),
  prometheusRulesFile: setting(
    'PROMETHEUS_RULES_FILE',
    'stack/prometheus/alerts.yml',
    'Alert rules the local Prometheus loads (relative to the project, or absolute).',
    text,
  ),
  otelExporterOtlpEndpoint: setting(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    null,
    'OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318) every process sends its trace spans to; unset: no tracing, at no cost.',
    (raw) => {
      if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new Error(`expected an http(s):// URL, got "${raw}"`);
      return raw.replace(/\/+$/, '');
    },
  ),
};

export interface Config {
  runDir: string;
  toolsDir: string;
  stateDir: string;
  workerName: string;
  workersPerKind: number;
  workerHeapMb: number;
  workflowCacheSize: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  data: { dir: string; seed: number; clickRows: number; users: number };
  kafka: {
    brokers: string[];
    /** The library the stream stages' link uses (clients/streams/). */
    client: 'platformatic' | 'kafkajs';
    clientId: string;
    ssl: boolean;
    sslCaFile: string | null;
    sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null;
    partitions: number;
    replicationFactor: number;
    /** null: the cluster's default. */
    minInsyncReplicas: number | null;
    topics: { clicks: string; enriched: string; offers: string; deadLetter: string; replayPositions: string };
    local: { port: number; controllerPort: number; heap: string };
  };
  redis: { host: string; port: number; username: string | null; password: string | null; passwordFile: string; tls: boolean; db: number };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    visitorTaskQueue: string;
    replayWorkflowId: string;
    apiKey: string | null;
    tls: boolean;
    tlsCertFile: string | null;
    tlsKeyFile: string | null;
    uiUrl: string;
    local: { port: number; uiPort: number };
  };
  aggregation: { allowedLatenessMs: number };
  observability: {
    metrics: { host: string; port: number; targetsDir: string };
    temporalServerMetricsPort: number;
    prometheus: { port: number; url: string; scrapeIntervalS: number; rulesFile: string };
    /** null: tracing off. */
    otlpEndpoint: string | null;
  };
  offers: { visitorIdleMinutes: number; stateSearchAttribute: string | null };
  web: {
    port: number;
    /** null: read it from apiTokenFile (clients/secrets.ts). */
    apiToken: string | null;
    apiTokenFile: string;
    allowedHosts: string[];
    headersTimeoutS: number;
    bodyTimeoutS: number;
    maxDashboardStreams: number;
    maxOfferStreams: number;
    streamLagLimitS: number;
    clicksPerVisitor: { perSecond: number; burst: number };
    clicksPerAddress: { perSecond: number; burst: number };
    newVisitorsPerAddress: { perSecond: number; burst: number };
    maxStreamsPerAddress: number;
    streamMaxBehind: number;
    maxBacktests: number;
  };
}

/** `${NAME}` in a default refers to another setting's value, e.g. KAFKA_BROKERS to KAFKA_PORT. */
function rawValue(env: Env, s: Setting<unknown>): string | null {
  const given = env[s.name];
  if (given !== undefined && given !== '') return given;
  if (s.fallback === null) return null;
  return s.fallback.replace(/\$\{(\w+)\}/g, (_, ref: string) => {
    const target = SETTINGS.find((t) => t.name === ref);
    return (target && rawValue(env, target)) ?? '';
  });
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = <T>(s: Setting<T>): T => {
    const raw = rawValue(env, s as Setting<unknown>);
    if (raw === null) return null as T;
    try {
      return s.parse(raw);
    } catch (err) {
      problems.push(`${s.name}: ${(err as Error).message}`);
      return null as T;
    }
  };

  const saslMechanism = read(S.kafkaSaslMechanism);
  const saslUsername = read(S.kafkaSaslUsername);
  const saslPassword = read(S.kafkaSaslPassword);
  if (saslMechanism !== 'none' && saslMechanism !== null && (!saslUsername || !saslPassword)) {
    problems.push(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${saslMechanism}`);
  }
  const certFile = read(S.temporalTlsCertFile);
  const keyFile = read(S.temporalTlsKeyFile);
  if ((certFile === null) !== (keyFile === null)) {
    problems.push('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE: give both or neither');
  }
  const apiKey = read(S.temporalApiKey);
  const minInsyncReplicas = read(S.kafkaMinInsyncReplicas);
  const replicationFactor = read(S.kafkaReplicationFactor);
  if (minInsyncReplicas !== null && replicationFactor !== null && minInsyncReplicas > replicationFactor) {
    problems.push(`KAFKA_MIN_INSYNC_REPLICAS: ${minInsyncReplicas} is more than KAFKA_REPLICATION_FACTOR=${replicationFactor}: no write could succeed`);
  }

  const config: Config = {
    runDir: read(S.runDir),
    toolsDir: read(S.toolsDir),
    stateDir: read(S.stateDir),
    workerName: read(S.workerName),
    workersPerKind: read(S.workersPerKind),
    workerHeapMb: read(S.workerHeapMb),
    workflowCacheSize: read(S.workflowCacheSize),
    logLevel: read(S.logLevel),
    data: { dir: read(S.dataDir), seed: read(S.dataSeed), clickRows: read(S.dataClickRows), users: read(S.dataUsers) },
    kafka: {
      brokers: read(S.kafkaBrokers),
      client: read(S.kafkaClient),
      clientId: read(S.kafkaClientId),
      ssl: read(S.kafkaSsl),
      sslCaFile: read(S.kafkaSslCaFile),
      sasl:
        saslMechanism && saslMechanism !== 'none' && saslUsername && saslPassword
          ? { mechanism: saslMechanism, username: saslUsername, password: saslPassword }
          : null,
      partitions: read(S.kafkaPartitions),
      replicationFactor,
      minInsyncReplicas,
      topics: {
        clicks: read(S.topicClicks),
        enriched: read(S.topicEnriched),
        offers: read(S.topicOffers),
        deadLetter: read(S.topicDeadLetter),
        replayPositions: read(S.topicReplayPositions),
      },
      local: { port: read(S.kafkaPort), controllerPort: read(S.kafkaControllerPort), heap: read(S.kafkaHeap) },
    },
    redis: {
      host: read(S.redisHost),
      port: read(S.redisPort),
      username: read(S.redisUsername),
      password: read(S.redisPassword),
      passwordFile: read(S.redisPasswordFile),
      tls: read(S.redisTls),
      db: read(S.redisDb),
    },
    temporal: {
      address: read(S.temporalAddress),
      namespace: read(S.temporalNamespace),
      taskQueue: read(S.temporalTaskQueue),
      visitorTaskQueue: read(S.temporalVisitorTaskQueue),
      replayWorkflowId: read(S.replayWorkflowId),
      apiKey,
      tls: read(S.temporalTls) || apiKey !== null || certFile !== null,
      tlsCertFile: certFile,
      tlsKeyFile: keyFile,
      uiUrl: read(S.temporalUiUrl),
      local: { port: read(S.temporalPort), uiPort: read(S.temporalUiPort) },
    },
    aggregation: { allowedLatenessMs: read(S.allowedLatenessS) * 1000 },
    observability: {
      metrics: { host: read(S.metricsHost), port: read(S.metricsPort), targetsDir: read(S.metricsTargetsDir) },
      temporalServerMetricsPort: read(S.temporalMetricsPort),
      prometheus: {
        port: read(S.prometheusPort),
        url: read(S.prometheusUrl),
        scrapeIntervalS: read(S.prometheusScrapeIntervalS),
        rulesFile: read(S.prometheusRulesFile),
      },
      otlpEndpoint: read(S.otelExporterOtlpEndpoint),
    },
    offers: { visitorIdleMinutes: read(S.visitorIdleMinutes), stateSearchAttribute: read(S.offerStateSearchAttribute) },
    web: {
      port: read(S.webPort),
      apiToken: read(S.apiToken),
      apiTokenFile: read(S.apiTokenFile),
      allowedHosts: read(S.webAllowedHosts),
      headersTimeoutS: read(S.webHeadersTimeoutS),
      bodyTimeoutS: read(S.webBodyTimeoutS),
      maxDashboardStreams: read(S.webMaxDashboardStreams),
      maxOfferStreams: read(S.webMaxOfferStreams),
      streamLagLimitS: read(S.webStreamLagLimitS),
      clicksPerVisitor: read(S.webClicksPerVisitor),
      clicksPerAddress: read(S.webClicksPerAddress),
      newVisitorsPerAddress: read(S.webNewVisitorsPerAddress),
      maxStreamsPerAddress: read(S.webMaxStreamsPerAddress),
      streamMaxBehind: read(S.webStreamMaxBehind),
      maxBacktests: read(S.webMaxBacktests),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Every setting with its default and meaning, for docs and `--help`. */
export function describeSettings(): { name: string; fallback: string | null; doc: string }[] {
  return SETTINGS.map(({ name, fallback, doc }) => ({ name, fallback, doc }));
}

/** The resolved raw value of every setting, for shell scripts (`eval "$(npm run -s config -- --shell)"`). */
export function resolvedSettings(env: Env = process.env): Record<string, string> {
  loadConfig(env);
  const out: Record<string, string> = {};
  for (const s of SETTINGS) {
    const raw = rawValue(env, s);
    if (raw !== null) out[s.name] = raw;
  }
  return out;
}
