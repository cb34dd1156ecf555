import type { Kafka } from 'kafkajs';
import { ensureStageTopics, KafkaStageLink, SESSION_TIMEOUT_MS } from '../clients/streams/kafka-link';
import { LevelDbStoreBackend } from '../clients/streams/leveldb-store-backend';
import { PlatformaticStageLink } from '../clients/streams/platformatic-link';
import type { Processor } from '../clients/streams/processor';
import type { StageLink } from '../clients/streams/stage-link';
import { runStage } from '../clients/streams/stage-runtime';
import type { Config } from '../lib/config';
import type { ConsumerKind } from '../lib/consumer-kinds';
import type { ConsumerRun } from '../lib/consumer-run';
import { stageSpec, type StageSpec } from '../lib/topology';

/** The stage's link through the configured client (KAFKA_CLIENT). */
function stageLink({ config, kafka }: { config: Config; kafka: Kafka }, stage: StageSpec): StageLink {
  return config.kafka.client === 'platformatic' ? new PlatformaticStageLink(config.kafka, stage) : new KafkaStageLink(kafka, stage);
}

/**
 * Runs a stage of the topology on Kafka with the processor `makeProcessor` builds (it may ask the
 * link about the topics first), its LevelDB store in the stage's folder, until `run.signal` aborts.
 */
export async function runOnKafka(
  deps: { config: Config; kafka: Kafka },
  kind: ConsumerKind,
  run: ConsumerRun,
  makeProcessor: (link: StageLink) => Processor | Promise<Processor>,
): Promise<void> {
  const { config, kafka } = deps;
  const stage = stageSpec(config, kind);
  await ensureStageTopics(kafka, config, stage);
  const link = stageLink(deps, stage);
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
