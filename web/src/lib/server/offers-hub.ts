/**
 * One `special-offers` consumer per server process, fanning each offer out to the open offer
 * streams of its visitor, as one frame encoded once, with what the offer gives (`describe`: from
 * the rule set version that made it). It starts from the latest offset: a visitor sees offers made
 * while their page is open, not old ones.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { withinDeadline } from '$shared/lib/deadline';
import { parseOffer, type Offer } from '$shared/lib/schema';
import type { ShopOffer } from '../shop-offer';
import { KeyedSubscribers } from './subscribers';
import { sseFrame, type SseFrame } from './sse';
import { contextOfHeaders, inSpan, SpanKind } from '$shared/clients/tracing';

export class OffersHub {
  private readonly subscribers = new KeyedSubscribers<SseFrame>();
  private consumer: Consumer | undefined;
  private joined = false;
  /** Each offer's frame key: offers queue up in a stream, none replaces another. */
  private sent = 0;

  constructor(
    private readonly kafka: () => Kafka,
    private readonly topic: string,
    readonly groupId: string,
    private readonly describe: (offer: Offer) => Promise<ShopOffer | null>,
  ) {}

  /** Connects and resolves once the group is joined, so offers sent from now on reach subscribers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const consumer = this.kafka().consumer({ groupId: this.groupId, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        this.joined = true;
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const parent = contextOfHeaders(message.headers);
        if (!parent) return this.fanOut(message.value);
        await inSpan('offers fan-out', SpanKind.CONSUMER, async () => this.fanOut(message.value), {
          parent,
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': this.topic },
        });
      },
    });
    await withinDeadline(joined, timeoutMs, `offers consumer did not join ${this.groupId} within ${timeoutMs} ms`);
  }

  private async fanOut(value: Buffer | null): Promise<void> {
    const parsed = parseOffer(value?.toString() ?? '');
    // Most offers go to replayed visitors with no open page: only describe and encode the ones someone waits for.
    if (!parsed.ok || !this.subscribers.has(parsed.value.userId)) return;
    // An offer whose rule set defines no such offer (one published before offers were data) is not shown: the shop could not say what it gives.
    const shown = await this.describe(parsed.value);
    if (shown) this.subscribers.publish(parsed.value.userId, sseFrame(`offer-${++this.sent}`, shown));
  }

  subscribe(userId: string, listener: (frame: SseFrame) => void): () => void {
    return this.subscribers.add(userId, listener);
  }

  status() {
    return { up: this.joined, group: this.groupId, topic: this.topic, streams: this.subscribers.size };
  }

  /** Leaves and deletes its group: a process's group is of no use after it. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect();
    const admin = this.kafka().admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
