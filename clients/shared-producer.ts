import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * One idempotent producer per worker process, connected by its first use and shared by every
 * activity after it. Idempotent: a send retried after a broker hiccup cannot write a record twice;
 * keys are hashed as Java clients do, so each visitor's records stay on one partition, in order.
 */
export class SharedProducer implements AsyncDisposable {
  private producer: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async get(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await p.connect();
      return p;
    })();
    try {
      return await this.producer;
    } catch (err) {
      this.producer = undefined; // the activity's retry connects afresh
      throw err;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const connecting = this.producer;
    this.producer = undefined;
    await (await connecting?.catch(() => undefined))?.disconnect();
  }
}
