import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ENGINE_ERRORS } from '../errors/index.js';
import type { UserRepository, UserRow } from '../db/index.js';
import { ApiError } from './errors.js';

/** The authenticated caller attached to each request. */
export interface AuthUser {
  readonly id: string;
  readonly isAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every /api/v1 route; undefined on public routes. */
    user: AuthUser | undefined;
  }
}

// RFC 6750 b64token, bounded: anything else is not a token we could have issued.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{8,256}=*)$/;

const unauthorized = (message: string): ApiError =>
  new ApiError(ENGINE_ERRORS.API_UNAUTHORIZED, message, { 'www-authenticate': 'Bearer realm="loadlab"' });

/**
 * Bearer token → user via api_tokens (sha256). Positive and negative lookups are cached briefly
 * by token hash so a load test measures the route, not one extra PK lookup per request; a
 * revoked token therefore keeps working for at most `ttlMs`.
 */
export class Authenticator {
  private readonly cache = new Map<string, { user: AuthUser | undefined; expires: number }>();

  constructor(
    private readonly users: UserRepository,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  async authenticate(request: FastifyRequest): Promise<AuthUser> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') throw unauthorized('missing Authorization: Bearer <token>');
    const m = BEARER.exec(header);
    const token = m?.[1];
    if (token === undefined) throw unauthorized('malformed Authorization header; expected Bearer <token>');
    const key = createHash('sha256').update(token).digest('hex');
    const now = Date.now();
    const hit = this.cache.get(key);
    let user: AuthUser | undefined;
    if (hit !== undefined && hit.expires > now) {
      user = hit.user;
    } else {
      const row: UserRow | undefined = await this.users.getByToken(token);
      user = row === undefined || row.is_locked ? undefined : { id: row.id, isAdmin: row.is_admin };
      this.remember(key, user, now);
    }
    if (user === undefined) throw unauthorized('invalid token');
    return user;
  }

  private remember(key: string, user: AuthUser | undefined, now: number): void {
    if (this.ttlMs <= 0) return;
    // Map keeps insertion order: dropping the first key evicts the oldest entry.
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { user, expires: now + this.ttlMs });
  }
}
