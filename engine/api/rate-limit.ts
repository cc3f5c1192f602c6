import type { Redis } from 'ioredis';
import { ENGINE_ERRORS } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { RateLimitSettings } from './defaults.js';
import { ApiError } from './errors.js';

/** Which bucket a route counts against (bo1 limits session creation and streaming separately). */
export type RateBucket = 'default' | 'createSession' | 'stream';

/**
 * Per-user fixed-window limiter in Redis (bo1 `user_rate_limit:{action}:{user}`): INCR + PEXPIRE
 * on the window's key. Fails open: when Redis is down requests pass (logged once per outage), as
 * bo1's limiter degraded rather than refusing traffic.
 */
export class RateLimiter {
  private warned = false;

  constructor(
    private readonly redis: Redis,
    private readonly s: RateLimitSettings,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async check(userId: string, bucket: RateBucket): Promise<void> {
    if (!this.s.enabled) return;
    const max = bucket === 'createSession' ? this.s.createSessionMax : bucket === 'stream' ? this.s.streamMax : this.s.max;
    const now = Date.now();
    const window = Math.floor(now / this.s.windowMs);
    const key = `${this.prefix}user_rate_limit:${bucket}:${userId}:${window}`;
    let count: number;
    try {
      const res = await this.redis.multi().incr(key).pexpire(key, this.s.windowMs).exec();
      count = Number(res?.[0]?.[1] ?? 0);
      this.warned = false;
    } catch (err) {
      if (!this.warned) this.log.warn({ err: (err as Error).message }, 'rate limiter: Redis unavailable, failing open');
      this.warned = true;
      return;
    }
    if (count > max) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * this.s.windowMs - now) / 1000));
      throw new ApiError(ENGINE_ERRORS.API_RATE_LIMITED, `rate limit of ${max} requests per ${this.s.windowMs / 1000} s exceeded`, {
        'retry-after': String(retryAfter),
      });
    }
  }
}
