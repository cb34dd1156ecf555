/**
 * A private three-node Kafka cluster (stack/kafka-cluster.sh) on ports no other stack of the project
 * uses, in a run folder of its own, for a chaos test that kills a broker. Its topics get replication
 * factor 3 and min.insync.replicas 2, as a production cluster's do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';

const run = promisify(execFile);

/**
 * Brokers on 31092/31094/31096, controllers on 31093/31095/31097, below the kernel's ephemeral range
 * (32768+) so no outgoing connection holds one (shared stack: 9092/9093;
 * private-stack.ts: 29xxx; stack-lifecycle test: 19xxx). Heaps of 256 MB: three JVMs beside the
 * workers on a 2-core machine.
 */
const SCRIPT_VARS = { KAFKA_PORT: '31092', KAFKA_CONTROLLER_PORT: '31093', KAFKA_HEAP: '256m' };

export const CLUSTER_TOPIC_SETTINGS = { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' };

export class PrivateKafkaCluster {
  readonly runDir = mkdtempSync(join(tmpdir(), 'clickstream-cluster-'));
  private env: Record<string, string | undefined> = process.env;
  private started = false;

  /** What points a worker or client at the cluster: its brokers and the topic settings. */
  async clientVars(): Promise<Record<string, string>> {
    return { KAFKA_BROKERS: (await this.script('brokers')).trim(), ...CLUSTER_TOPIC_SETTINGS };
  }

  /**
   * Starts every node that does not run (all of them the first time, then a killed one) and waits
   * until each answers; creates `env`'s project topics (remembered for the next start).
   */
  async start(env: Record<string, string | undefined> = this.env): Promise<void> {
    this.env = env;
    this.started = true;
    await this.script('start');
  }

  /** SIGKILL of one node's JVM, as a crashed machine: no controlled shutdown, no leadership handed over. */
  async kill(nodeId: number): Promise<void> {
    await this.script('kill', String(nodeId));
  }

  /** Stops every node and removes the run folder. */
  async stop(): Promise<void> {
    if (this.started) await this.script('stop').catch((err: unknown) => console.error(`[chaos] stopping the Kafka cluster: ${String(err)}`));
    this.started = false;
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private async script(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run('stack/kafka-cluster.sh', args, { env: { ...this.env, ...SCRIPT_VARS, RUN_DIR: this.runDir }, timeout: 180_000 });
      return stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`stack/kafka-cluster.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
}

/** Each partition of `topics` with its leader, replicas and in-sync replicas, as the cluster's metadata has them now. */
export async function partitionsOf(
  kafka: Kafka,
  topics: string[],
): Promise<{ topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })));
  } finally {
    await admin.disconnect();
  }
}
