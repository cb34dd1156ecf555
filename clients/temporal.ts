import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { Config } from '../lib/config';
import { NativeConnection } from '@temporalio/worker';
import { tracingOn } from './tracing';

/** Connection options shared by clients and workers: local dev server, mTLS, or Temporal Cloud's API key. */
export function temporalConnectionOptions(config: Config['temporal']): ConnectionOptions {
  const options: ConnectionOptions = { address: config.address, connectTimeout: 5_000 };
  if (config.tls) {
    options.tls =
      config.tlsCertFile && config.tlsKeyFile ? { clientCertPair: { crt: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) } } : true;
  }
  if (config.apiKey) options.apiKey = config.apiKey;
  return options;
}

/** A client; with tracing on, its starts and signals carry the caller's trace to the workflow (Temporal's OpenTelemetry interceptor). */
export async function connectTemporal(config: Config['temporal']): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const interceptors = tracingOn()
    ? { workflow: [new (await import('@temporalio/interceptors-opentelemetry')).OpenTelemetryWorkflowClientInterceptor()] }
    : undefined;
  return new Client({ connection, namespace: config.namespace, ...(interceptors && { interceptors }) });
}

/** The worker side's connection (Rust core), with the same address, TLS and API key. */
export async function connectWorkerTemporal(config: Config['temporal']): Promise<NativeConnection> {
  const { address, tls, apiKey } = temporalConnectionOptions(config);
  return NativeConnection.connect({ address, ...(tls ? { tls } : {}), ...(apiKey ? { apiKey: apiKey as string } : {}) });
}
