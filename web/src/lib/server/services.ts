/**
 * The web server's connections, one of each per process, made on first use: the build imports
 * these modules without connecting to anything.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { loadConfig } from '$shared/lib/config';
import { createKafka } from '$shared/clients/kafka';
import { createRedis } from '$shared/clients/redis';
import { connectTemporal } from '$shared/clients/temporal';
import { SharedProducer } from '$shared/clients/shared-producer';
import { serveMetrics, type MetricsEndpoint } from '$shared/clients/metrics';
import { startTracing, type Tracing } from '$shared/clients/tracing';
import { SendBatcher } from './send-batcher';
import { shopOffer } from '../shop-offer';
import { OffersHub } from './offers-hub';
import { DashboardHub } from './dashboard-hub';

export const config = loadConfig();

let kafka: Kafka | undefined;
const kafkaClient = () => (kafka ??= createKafka(config.kafka, 'web'));

/** The one producer of shop clicks. */
export const clickProducer = new SharedProducer(kafkaClient());

/** Sends shop clicks to the clicks topic, the clicks of concurrent requests together. */
export const clickSender = new SendBatcher<Message>(async (messages) => {
  const producer = await clickProducer.get();
  await producer.send({ topic: config.kafka.topics.clicks, messages });
});

let redis: Redis | undefined;
export const redisClient = () => (redis ??= createRedis(config.redis));

let temporal: Promise<Client> | undefined;
/** A Temporal client, reconnected on the next call if connecting failed. */
export function temporalClient(): Promise<Client> {
  temporal ??= connectTemporal(config.temporal).catch((err: unknown) => {
    temporal = undefined;
    throw err;
  });
  return temporal;
}

/** Its own consumer group per process, so every server process sees every offer. */
export const offersHub = new OffersHub(
  kafkaClient,
  config.kafka.topics.offers,
  `${config.kafka.clientId}-web-offers-${randomUUID().slice(0, 8)}`,
  async (offer) => {
    // Imported here, not at the top: rule-versions imports this module for its clients.
    const { rulesOfVersion } = await import('./rule-versions');
    const rules = await rulesOfVersion(offer.rules?.version ?? 0);
    return rules && shopOffer(offer, rules);
  },
);

export const dashboardHub = new DashboardHub(redisClient, config.temporal.replayWorkflowId, temporalClient);

let observed: { metrics: MetricsEndpoint; tracing: Tracing | null } | undefined;

/** The process's `/metrics` on its own loopback port, registered for Prometheus as `web-<port>`, and its tracing. */
export async function observe(port: string): Promise<MetricsEndpoint> {
  const metrics = await serveMetrics(config.observability.metrics, 'web', `web-${port}`);
  observed = { metrics, tracing: await startTracing(config.observability.otlpEndpoint, 'clickstream-web') };
  return metrics;
}

/** Closes what was opened, for a graceful stop. */
export async function closeServices(): Promise<void> {
  await Promise.allSettled([offersHub.stop(), dashboardHub.stop(), clickProducer[Symbol.asyncDispose]()]);
  redis?.disconnect();
  await (await temporal?.catch(() => undefined))?.connection.close();
  await observed?.tracing?.shutdown();
  await observed?.metrics.close();
}
