import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../clients/redis';
import { config, uniqueName } from './support';

const redis = createRedis(config.redis);
const prefix = uniqueName('it-redis');

describe('real Redis', () => {
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('writes hashes in one pipelined batch and reads them back', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.hset(`${prefix}:product:${i}`, { cat: `c${i % 7}`, title: `Title ${i}` });
    const results = await pipeline.exec();
    expect(results?.every(([err]) => err === null)).toBe(true);

    expect(await redis.hgetall(`${prefix}:product:42`)).toEqual({ cat: 'c0', title: 'Title 42' });
    expect(await redis.keys(`${prefix}:product:*`)).toHaveLength(500);
  });

  it('keeps a capped stream, as the state-machine log will', async () => {
    const stream = `${prefix}:log`;
    for (let i = 0; i < 25; i++) await redis.xadd(stream, 'MAXLEN', '10', '*', 'line', `entry ${i}`);
    const entries = await redis.xrange(stream, '-', '+');
    expect(entries).toHaveLength(10);
    expect(entries.at(-1)?.[1]).toEqual(['line', 'entry 24']);
  });

  it('refuses a client without the password make up gave it, and serves one with it', async () => {
    expect(await redis.ping()).toBe('PONG');
    const stranger = new Redis({ host: config.redis.host, port: config.redis.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    stranger.on('error', () => undefined);
    await stranger.connect();
    await expect(stranger.ping()).rejects.toThrow(/NOAUTH/);
    await expect(stranger.get(`${prefix}:anything`)).rejects.toThrow(/NOAUTH/);
    stranger.disconnect();
  });
});
