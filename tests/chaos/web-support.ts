/**
 * A private copy of the built web app (`node web/build`) on a free port, with its own topics,
 * consumer groups and replay workflow id, against the shared local stack, for the HTTP chaos tests.
 * It reads the real catalogue (`data/products.json`); its Redis db is only read, never written.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, projectTopics } from '../../clients/kafka';
import { loadConfig, type Config } from '../../lib/config';
import { eventually, isolatedEnv, WorkerProcess } from '../integration/pipeline-support';
import { freePort } from '../integration/support';

export class PrivateWebApp {
  private constructor(
    readonly url: string,
    readonly config: Config,
    /** The operator token it runs with: `Authorization: Bearer <token>`. */
    readonly token: string,
    readonly kafka: Kafka,
    private readonly process: WorkerProcess,
  ) {}

  /** Creates its topics and starts the server (with `extraEnv` settings); resolves once it answers. */
  static async start(redisDb: number, extraEnv: Record<string, string> = {}): Promise<PrivateWebApp> {
    if (!existsSync('web/build/index.js')) throw new Error('web/build missing: run `make web/build/index.js` first');
    const base = isolatedEnv(tmpdir(), resolve('data'), redisDb);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...base, WEB_PORT: String(port), REPLAY_WORKFLOW_ID: `${base.TEMPORAL_TASK_QUEUE}-replay`, API_TOKEN: `chaos-${randomUUID()}`, ...extraEnv };
    const config = loadConfig(env);
    const kafka = createKafka(config.kafka, 'chaos-web');
    await ensureTopics(kafka, config.kafka);
    const web = new WorkerProcess('web', ['web/build'], { ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, SHUTDOWN_TIMEOUT: '5' }, 'node');
    await web.start();
    // `[ready]` comes from the app's init, just before adapter-node listens.
    await eventually('the web app to listen', () => fetch(`${url}/api/health`).then(() => true), 10_000);
    return new PrivateWebApp(url, config, env.API_TOKEN, kafka, web);
  }

  /** The server's process id (node itself, no launcher): its /proc entry tells its memory. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the server printed: a test failure shows it. */
  get output(): string {
    return this.process.output;
  }

  /** Records on its clicks topic: the sum of the partitions' high watermarks (the topic starts empty). */
  async clickRecords(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.config.kafka.topics.clicks);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops the server (SIGTERM, its graceful stop) and deletes its topics. */
  async stop(): Promise<void> {
    await this.process.stop();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: projectTopics(this.config.kafka) }).catch(() => {});
    await admin.disconnect();
  }
}
