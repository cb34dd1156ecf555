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

/** One env var: its name, its default and meaning for the docs, and the parse that checks it and gives its value's type. */
class Setting<T> {
  constructor(
    readonly name: string,
    /** The default as it reads in docs; `null` means unset. */
    readonly fallback: string | null,
    readonly doc: string,
    readonly parse: (raw: string) => T,
  ) {}
}

/** A setting without a default is `null` when unset, so its type says so. */
function setting<T>(name: string, fallback: string, doc: string, parse: (raw: string) => T): Setting<T>;
function setting<T>(name: string, fallback: null, doc: string, parse: (raw: string) => T): Setting<T | null>;
function setting<T>(name: string, fallback: string | null, doc: string, parse: (raw: string) => T): Setting<T | null> {
  return new Setting(name, fallback, doc, parse);
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

/** Every setting, once: in the shape consumers read them (`config.kafka.topics.clicks`), in the order of the docs' table. */
const SCHEMA = {
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
  data: {
    dir: setting('DATA_DIR', 'data', 'Folder of products.json, users.json and the clickstream CSV.', text),
    seed: setting('DATA_SEED', '20260101', 'Seed of the data generator; the same seed gives byte-identical files.', integer(0, 2 ** 31 - 1)),
    clickRows: setting('DATA_CLICK_ROWS', '600000', 'Rows of the generated 15-day clickstream CSV.', integer(1, 50_000_000)),
    users: setting('DATA_USERS', '40000', 'Visitors in the generated users.json.', integer(1, 10_000_000)),
  },
  kafka: {
    local: {
      port: setting('KAFKA_PORT', '9092', 'Port of the local Kafka broker started by `make up`.', port),
      controllerPort: setting('KAFKA_CONTROLLER_PORT', '9093', 'KRaft controller port of the local broker.', port),
      heap: setting('KAFKA_HEAP', '512m', 'Java heap of the local broker (-Xmx).', (raw) => {
        if (!/^\d+[mg]$/.test(raw)) throw new Error(`expected a size like 512m or 1g, got "${raw}"`);
        return raw;
      }),
    },
    brokers: setting('KAFKA_BROKERS', '127.0.0.1:${KAFKA_PORT}', 'Comma-separated bootstrap servers.', hostPortList),
    /** The library the stream stages' link uses (clients/streams/). */
    client: setting(
      'KAFKA_CLIENT',
      'kafkajs',
      'Kafka client of the stream stages: platformatic (@platformatic/kafka) or kafkajs.',
      oneOf('platformatic', 'kafkajs'),
    ),
    clientId: setting('KAFKA_CLIENT_ID', 'clickstream', 'Client id prefix of every Kafka client.', text),
    ssl: setting('KAFKA_SSL', 'false', 'Use TLS to reach Kafka (managed clusters).', bool),
    sslCaFile: setting('KAFKA_SSL_CA_FILE', null, "PEM file of the CA that signs the brokers' certificates, when not a public one.", text),
    sasl: {
      mechanism: setting(
        'KAFKA_SASL_MECHANISM',
        'none',
        'SASL mechanism: none, plain, scram-sha-256 or scram-sha-512.',
        oneOf('none', 'plain', 'scram-sha-256', 'scram-sha-512'),
      ),
      username: setting('KAFKA_SASL_USERNAME', null, 'SASL user name (required with a SASL mechanism).', text),
      password: setting('KAFKA_SASL_PASSWORD', null, 'SASL password (required with a SASL mechanism).', text),
    },
    partitions: setting('KAFKA_PARTITIONS', '6', 'Partitions of each topic the project creates.', integer(1, 1000)),
    replicationFactor: setting('KAFKA_REPLICATION_FACTOR', '1', 'Replication factor of each topic the project creates.', integer(1, 10)),
    /** null: the cluster's default. */
    minInsyncReplicas: setting(
      'KAFKA_MIN_INSYNC_REPLICAS',
      null,
      "Replicas that must have a record before a write with acks=all (every producer here) succeeds: the `min.insync.replicas` of each topic the project creates, at most KAFKA_REPLICATION_FACTOR. Unset: the cluster's default.",
      integer(1, 10),
    ),
    topics: {
      clicks: setting('TOPIC_CLICKS', 'click-data', 'Topic of raw clicks (producer and shop write it).', topicName),
      enriched: setting('TOPIC_ENRICHED', 'enriched-click-data', 'Topic of enriched clicks.', topicName),
      offers: setting('TOPIC_OFFERS', 'special-offers', 'Topic of offers sent to visitors.', topicName),
      deadLetter: setting('TOPIC_DEAD_LETTER', 'dead-letter', 'Topic of rejected input, each record with its reason.', topicName),
      replayPositions: setting(
        'TOPIC_REPLAY_POSITIONS',
        'replay-positions',
        "Compacted topic of each click replay's position, committed in the same transaction as the clicks before it.",
        topicName,
      ),
    },
  },
  redis: {
    host: setting('REDIS_HOST', '127.0.0.1', 'Redis host.', text),
    port: setting('REDIS_PORT', '6379', 'Redis port (the local server listens here).', port),
    username: setting('REDIS_USERNAME', null, 'Redis ACL user name (managed Redis).', text),
    password: setting('REDIS_PASSWORD', null, 'Redis password (managed Redis); when unset, the one in REDIS_PASSWORD_FILE.', text),
    passwordFile: setting(
      'REDIS_PASSWORD_FILE',
      '${RUN_DIR}/redis-password',
      'Where `make up` keeps the random password it starts the local Redis with (git-ignored); read when REDIS_PASSWORD is unset and the file exists.',
      text,
    ),
    tls: setting('REDIS_TLS', 'false', 'Use TLS to reach Redis.', bool),
    db: setting('REDIS_DB', '0', 'Redis database number.', integer(0, 15)),
  },
  temporal: {
    local: {
      port: setting('TEMPORAL_PORT', '7233', 'gRPC port of the local Temporal dev server.', port),
      uiPort: setting('TEMPORAL_UI_PORT', '8233', 'Web UI port of the local Temporal dev server.', port),
    },
    address: setting('TEMPORAL_ADDRESS', '127.0.0.1:${TEMPORAL_PORT}', 'Temporal frontend host:port.', hostPort),
    namespace: setting('TEMPORAL_NAMESPACE', 'default', 'Temporal namespace.', text),
    taskQueue: setting('TEMPORAL_TASK_QUEUE', 'clickstream', 'Task queue of the clickstream workers.', text),
    visitorTaskQueue: setting(
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
    apiKey: setting('TEMPORAL_API_KEY', null, 'API key (Temporal Cloud); implies TLS.', text),
    tls: setting('TEMPORAL_TLS', 'false', 'Use TLS to reach Temporal.', bool),
    tlsCertFile: setting('TEMPORAL_TLS_CERT_FILE', null, 'Client certificate (PEM) for mTLS.', text),
    tlsKeyFile: setting('TEMPORAL_TLS_KEY_FILE', null, 'Client key (PEM) for mTLS.', text),
    uiUrl: setting('TEMPORAL_UI_URL', 'http://127.0.0.1:${TEMPORAL_UI_PORT}', 'Where people open the Temporal UI.', text),
  },
  aggregation: {
    /** Set in seconds, used in milliseconds. */
    allowedLatenessMs: setting(
      'ALLOWED_LATENESS_S',
      '300',
      "How long after its minute ends a click still counts in the dashboard's windows (event time, by the partition's newest click). A later one is counted as a late event only, never folded into a closed window.",
      (raw) => integer(0, 30 * 60)(raw) * 1000,
    ),
  },
  offers: {
    visitorIdleMinutes: setting(
      'VISITOR_IDLE_MINUTES',
      '30',
      "A visitor's offer workflow completes after this many minutes without clicks; the next click starts it again.",
      integer(1, 7 * 24 * 60),
    ),
    stateSearchAttribute: setting(
      'OFFER_STATE_SEARCH_ATTRIBUTE',
      'OfferState',
      'Keyword search attribute each visitor workflow keeps its offer state in: the dashboard\'s funnel counts by it, and the Temporal UI lists e.g. `OfferState="shoes_visited"`. stack/temporal.sh registers it; on another Temporal, register it (docs/offers.md, "The funnel, live") or set it to `none` for no funnel.',
      searchAttributeName,
    ),
  },
  web: {
    port: setting('WEB_PORT', '3000', 'Port of the SvelteKit shop and dashboard.', port),
    /** null: read it from apiTokenFile (clients/secrets.ts). */
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
    allowedHosts: setting(
      'WEB_ALLOWED_HOSTS',
      'localhost,127.0.0.1,[::1]',
      'Host names the web app answers to (the `Host` header, any port); another gets `403`, so a DNS-rebinding page cannot reach it. Add the public name when serving one.',
      hostNameList,
    ),
    headersTimeoutS: setting(
      'WEB_HEADERS_TIMEOUT_S',
      '10',
      "Seconds a client may take to send a request's headers before the web server drops the connection.",
      integer(1, 600),
    ),
    bodyTimeoutS: setting(
      'WEB_BODY_TIMEOUT_S',
      '30',
      'Seconds a client may take to send a whole request (headers and body) before the web server answers `408` and closes.',
      integer(1, 3600),
    ),
    maxDashboardStreams: setting(
      'WEB_MAX_DASHBOARD_STREAMS',
      '200',
      'Dashboard event streams (`GET /api/dashboard`) the web server keeps open at once; one more gets `503`.',
      integer(1, 100_000),
    ),
    maxOfferStreams: setting(
      'WEB_MAX_OFFER_STREAMS',
      '5000',
      'Offer event streams (`GET /api/offers`) the web server keeps open at once; one more gets `503`.',
      integer(1, 1_000_000),
    ),
    streamLagLimitS: setting(
      'WEB_STREAM_LAG_LIMIT_S',
      '30',
      "Seconds an event stream's client may take nothing while updates wait for it (it gets only the newest of each meanwhile); then the server drops the connection.",
      integer(1, 3600),
    ),
    clicksPerVisitor: setting(
      'WEB_CLICKS_PER_VISITOR',
      '5/s,30',
      "Clicks (`POST /api/clicks`) one shop visitor may send: `<count>/<s|min|h>,<burst>`; more get `429` with `Retry-After`. The operator's token is not limited (load tests).",
      rateLimit,
    ),
    clicksPerAddress: setting(
      'WEB_CLICKS_PER_ADDRESS',
      '50/s,300',
      'Clicks one client address may send, whatever visitors it claims to be (an IPv6 address counts by its /64); more get `429`.',
      rateLimit,
    ),
    newVisitorsPerAddress: setting(
      'WEB_NEW_VISITORS_PER_ADDRESS',
      '20/min,40',
      'New visitor ids one client address may get (`POST /api/visitor`, or a first page view without the cookie); more get `429`, or the page without a visitor.',
      rateLimit,
    ),
    maxStreamsPerAddress: setting(
      'WEB_MAX_STREAMS_PER_ADDRESS',
      '16',
      'Event streams of each kind (dashboard, offers) one client address may hold open at once; one more gets `429`, so no client takes the whole pool.',
      integer(1, 1_000_000),
    ),
    streamMaxBehind: setting(
      'WEB_STREAM_MAX_BEHIND',
      '24',
      "Frames an event stream's client may miss (newer ones of the same part replaced them before it took them) since it last caught up; one more and the server drops it.",
      integer(1, 1_000_000),
    ),
    maxBacktests: setting(
      'WEB_MAX_BACKTESTS',
      '2',
      'Rule backtests (`POST /api/rules/backtest`) the web server runs at once; one more gets `429`.',
      integer(1, 100),
    ),
  },
  observability: {
    metrics: {
      host: setting(
        'METRICS_HOST',
        '127.0.0.1',
        'Address each process serves its Prometheus metrics (`/metrics`) on: loopback, never the public web port. 0.0.0.0 where Prometheus scrapes from another host.',
        text,
      ),
      port: setting(
        'METRICS_PORT',
        '0',
        "Port of a process's `/metrics`; 0: any free one, which the process registers in METRICS_TARGETS_DIR. Given a port, a worker's Temporal SDK metrics take the next one.",
        integer(0, 65534),
      ),
      targetsDir: setting(
        'METRICS_TARGETS_DIR',
        '${RUN_DIR}/metrics-targets',
        "Where each running process registers its metrics address (one JSON file each, Prometheus file_sd format), removed on a graceful stop; a killed process's file stays, so Prometheus sees it down.",
        text,
      ),
    },
    temporalServerMetricsPort: setting('TEMPORAL_METRICS_PORT', '8234', "Port of the local Temporal dev server's `/metrics`.", port),
    prometheus: {
      port: setting('PROMETHEUS_PORT', '9090', 'Port of the local Prometheus started by `make up`.', port),
      url: setting(
        'PROMETHEUS_URL',
        'http://127.0.0.1:${PROMETHEUS_PORT}',
        "Where `make status` and the operator's dashboard ask Prometheus for firing alerts.",
        text,
      ),
      scrapeIntervalS: setting(
        'PROMETHEUS_SCRAPE_INTERVAL_S',
        '15',
        "Seconds between Prometheus' scrapes of every process, and between its evaluations of the alert rules.",
        integer(1, 600),
      ),
      rulesFile: setting(
        'PROMETHEUS_RULES_FILE',
        'stack/prometheus/alerts.yml',
        'Alert rules the local Prometheus loads (relative to the project, or absolute).',
        text,
      ),
    },
    /** null: tracing off. */
    otlpEndpoint: setting(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      null,
      'OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318) every process sends its trace spans to; unset: no tracing, at no cost.',
      (raw) => {
        if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new Error(`expected an http(s):// URL, got "${raw}"`);
        return raw.replace(/\/+$/, '');
      },
    ),
  },
};

/** A group of settings and of further groups. */
interface Schema {
  readonly [key: string]: Setting<unknown> | Schema;
}

/** Each setting's value, typed by its parse, in the schema's shape. */
type Values<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : Values<S[K]> };

type SchemaValues = Values<typeof SCHEMA>;

/** The three SASL settings as the one option a Kafka client takes; null: no SASL (or a problem, reported). */
function kafkaSasl({ mechanism, username, password }: SchemaValues['kafka']['sasl'], problems: string[]) {
  // null: the mechanism's own parse failed and is reported already.
  if (mechanism === 'none' || mechanism === null) return null;
  if (!username || !password) {
    problems.push(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${mechanism}`);
    return null;
  }
  return { mechanism, username, password };
}

/** The schema's values, but for kafka.sasl: its settings made into one option. */
export type Config = Omit<SchemaValues, 'kafka'> & { kafka: Omit<SchemaValues['kafka'], 'sasl'> & { sasl: ReturnType<typeof kafkaSasl> } };

function settingsIn(schema: Schema): Setting<unknown>[] {
  return Object.values(schema).flatMap((node) => (node instanceof Setting ? [node] : settingsIn(node)));
}

const SETTINGS = settingsIn(SCHEMA);

function readAll<S extends Schema>(schema: S, read: (s: Setting<unknown>) => unknown): Values<S> {
  // Object.fromEntries loses the keys' types; the walk keeps each key with its setting's value.
  return Object.fromEntries(Object.entries(schema).map(([key, node]) => [key, node instanceof Setting ? read(node) : readAll(node, read)])) as Values<S>;
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
  // A setting whose parse fails reads as null, whatever its type: the ConfigError below stops it going further.
  const values = readAll(SCHEMA, (s) => {
    const raw = rawValue(env, s);
    if (raw === null) return null;
    try {
      return s.parse(raw);
    } catch (err) {
      problems.push(`${s.name}: ${(err as Error).message}`);
      return null;
    }
  });

  const sasl = kafkaSasl(values.kafka.sasl, problems);
  const { temporal } = values;
  if ((temporal.tlsCertFile === null) !== (temporal.tlsKeyFile === null)) {
    problems.push('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE: give both or neither');
  }
  const { minInsyncReplicas, replicationFactor } = values.kafka;
  if (minInsyncReplicas !== null && replicationFactor !== null && minInsyncReplicas > replicationFactor) {
    problems.push(`KAFKA_MIN_INSYNC_REPLICAS: ${minInsyncReplicas} is more than KAFKA_REPLICATION_FACTOR=${replicationFactor}: no write could succeed`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...values,
    kafka: { ...values.kafka, sasl },
    // An API key (Temporal Cloud) or a client certificate is only ever sent over TLS.
    temporal: { ...temporal, tls: temporal.tls || temporal.apiKey !== null || temporal.tlsCertFile !== null },
  };
}

/** Every setting with its default and meaning, for docs and `--help`. */
export function describeSettings(): { name: string; fallback: string | null; doc: string }[] {
  return SETTINGS.map(({ name, fallback, doc }) => ({ name, fallback, doc }));
}

/** The resolved raw value of every setting, for shell scripts (stack/lib.sh evals `scripts/config.ts --shell`). */
export function resolvedSettings(env: Env = process.env): Record<string, string> {
  loadConfig(env);
  const out: Record<string, string> = {};
  for (const s of SETTINGS) {
    const raw = rawValue(env, s);
    if (raw !== null) out[s.name] = raw;
  }
  return out;
}
