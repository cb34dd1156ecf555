import type { Kafka } from 'kafkajs';
import { ensureStageTopics, KafkaStageLink, SESSION_TIMEOUT_MS } from '../clients/streams/kafka-link';
import { LevelDbStoreBackend } from '../clients/streams/leveldb-store-backend';
import type { Processor } from '../clients/streams/processor';
import { runStage } from '../clients/streams/stage-runtime';
import type { Config } from '../lib/config';
import type { ConsumerKind } from '../lib/consumer-kinds';
import type { ConsumerRun } from '../lib/consumer-run';
import { stageSpec } from '../lib/topology';

/**
 * Runs a stage of the topology on Kafka with the processor `makeProcessor` builds (it may ask the
 * link about the topics first), its LevelDB store in the stage's folder, until `run.signal` aborts.
 */
export async function runOnKafka(
  { config, kafka }: { config: Config; kafka: Kafka },
  kind: ConsumerKind,
  run: ConsumerRun,
  makeProcessor: (link: KafkaStageLink) => Processor | Promise<Processor>,
): Promise<void> {
  const stage = stageSpec(config, kind);
  await ensureStageTopics(kafka, config, stage);
  const link = new KafkaStageLink(kafka, stage);
  let processor: Processor;
  try {
    processor = await makeProcessor(link);
  } catch (err) {
    await link.close();
    throw err;
  }
  const { store } = stage;
  await runStage({
    processor,
    link,
    run,
    worker: config.workerName,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    openStore: store ? () => LevelDbStoreBackend.open(store.dir, run.log) : undefined,
  });
}
