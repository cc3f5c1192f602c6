import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../log/index.js';

/** Connection settings (config.redis + config.redisUrl). */
export interface RedisClientOptions {
  url: string;
  maxRetriesPerRequest: number;
  connectTimeoutMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  logger?: Logger;
  /** Name shown in logs (e.g. `events`, `subscriber`). */
  name?: string;
}

/**
 * An ioredis client that fails fast: no offline queue (a command on a dead connection errors at
 * once instead of being replayed minutes later) and few retries per request. It reconnects
 * forever with exponential backoff (§3 RedisReconnection 1 s → 30 s) and never throws from its
 * `error` event, so a Redis outage degrades the engine rather than crashing it.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const log = options.logger ?? silentLogger();
  const client = new Redis(options.url, {
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs,
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(options.reconnectInitialMs * 2 ** Math.min(times - 1, 10), options.reconnectMaxMs),
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.warn({ redis: options.name, err: err.message }, 'redis error');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ redis: options.name }, 'redis reconnected');
    down = false;
  });
  return client;
}

/** True when the client can take commands right now. */
export function isRedisReady(client: Redis): boolean {
  return client.status === 'ready';
}
