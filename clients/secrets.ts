/**
 * Secrets the local stack makes for itself: a value given in the environment wins; otherwise the
 * one `make up` wrote into the run folder. Read on each call, so a process started before the file
 * was written still finds it.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../lib/config';

function fromFile(file: string): string | null {
  try {
    const value = readFileSync(file, 'utf8').trim();
    return value === '' ? null : value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The local Redis' password, or null when it has none. */
export const redisPassword = (redis: Config['redis']): string | null => redis.password ?? fromFile(redis.passwordFile);

/** The operator's token, or null when neither API_TOKEN nor its file gives one. */
export const apiToken = (web: Config['web']): string | null => web.apiToken ?? fromFile(web.apiTokenFile);
