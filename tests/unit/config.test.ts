import { describe, expect, it } from 'vitest';
import { ConfigError, describeSettings, loadConfig, resolvedSettings } from '../../lib/config';

describe('loadConfig', () => {
  it('has working defaults for the local stack', () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.kafka.topics).toEqual({
      clicks: 'click-data',
      enriched: 'enriched-click-data',
      offers: 'special-offers',
      deadLetter: 'dead-letter',
      replayPositions: 'replay-positions',
    });
    expect(c.kafka.partitions).toBe(6);
    expect(c.kafka.sasl).toBeNull();
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379, tls: false });
    expect(c.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', tls: false, uiUrl: 'http://127.0.0.1:8233' });
  });

  it('derives addresses from the local ports unless given', () => {
    const c = loadConfig({ KAFKA_PORT: '19092', TEMPORAL_PORT: '17233', TEMPORAL_UI_PORT: '18233' });
    expect(c.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(c.temporal.address).toBe('127.0.0.1:17233');
    expect(c.temporal.uiUrl).toBe('http://127.0.0.1:18233');
    expect(loadConfig({ KAFKA_PORT: '19092', KAFKA_BROKERS: 'a:1,b:2' }).kafka.brokers).toEqual(['a:1', 'b:2']);
  });

  it('configures managed services: SASL/TLS Kafka, Redis ACL and TLS, Temporal Cloud API key', () => {
    const c = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      REDIS_USERNAME: 'default',
      REDIS_PASSWORD: 'secret',
      REDIS_TLS: 'yes',
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'key',
    });
    expect(c.kafka.ssl).toBe(true);
    expect(c.kafka.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password: 'p' });
    expect(c.redis).toMatchObject({ username: 'default', password: 'secret', tls: true });
    expect(c.temporal).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'key', tls: true });
  });

  it('names every invalid setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({ KAFKA_PARTITIONS: '0', REDIS_PORT: '70000', KAFKA_SASL_MECHANISM: 'plain', TOPIC_CLICKS: 'bad topic', REDIS_TLS: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('KAFKA_PARTITIONS: expected a whole number from 1 to 1000, got "0"');
    expect(problems).toContain('REDIS_PORT: expected a whole number from 1 to 65535, got "70000"');
    expect(problems).toContain('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=plain');
    expect(problems).toContain('TOPIC_CLICKS: not a valid Kafka topic name');
    expect(problems).toContain('REDIS_TLS: expected true or false');
  });

  it('requires a client certificate and key together', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: 'c.pem' })).toThrow('give both or neither');
  });
});

describe('settings for shells and docs', () => {
  it('resolves every defaulted setting, references included', () => {
    const resolved = resolvedSettings({ KAFKA_PORT: '1234' });
    expect(resolved.KAFKA_BROKERS).toBe('127.0.0.1:1234');
    expect(resolved.RUN_DIR).toBe('.run');
    expect(resolved).not.toHaveProperty('KAFKA_SASL_USERNAME');
  });

  it('documents every setting once', () => {
    const names = describeSettings().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'REDIS_HOST', 'TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY', 'WEB_PORT']));
  });
});
