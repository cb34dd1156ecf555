import { readFileSync } from 'node:fs';
import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import type { Config } from '../lib/config';

const SASL_MECHANISMS: Record<NonNullable<Config['kafka']['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/** The options every @platformatic/kafka client of the configured cluster shares (as createKafka's for kafkajs). */
export function platformaticOptions(config: Config['kafka'], role: string): BaseOptions {
  const options: BaseOptions = {
    clientId: `${config.clientId}-${role}`,
    bootstrapBrokers: config.brokers,
    connectTimeout: 5_000,
    timeout: 10_000,
    retries: 8,
    retryDelay: 200,
  };
  if (config.ssl) options.tls = config.sslCaFile ? { ca: [readFileSync(config.sslCaFile, 'utf8')] } : {};
  if (config.sasl) options.sasl = { mechanism: SASL_MECHANISMS[config.sasl.mechanism], username: config.sasl.username, password: config.sasl.password };
  return options;
}
