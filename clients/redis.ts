import { Redis } from 'ioredis';
import type { Config } from '../lib/config';
import { redisPassword } from './secrets';

/** An ioredis client for the configured server: local, or managed with ACL user and TLS. */
export function createRedis(config: Config['redis'], options: { lazyConnect?: boolean; maxRetriesPerRequest?: number | null } = {}): Redis {
  const password = redisPassword(config);
  return new Redis({
    host: config.host,
    port: config.port,
    db: config.db,
    ...(config.username ? { username: config.username } : {}),
    ...(password ? { password } : {}),
    ...(config.tls ? { tls: {} } : {}),
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 20 : options.maxRetriesPerRequest,
  });
}
