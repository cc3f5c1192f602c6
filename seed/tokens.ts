import { createHash } from 'node:crypto';

/**
 * The API token of a seeded user: `ll_` + 40 hex characters derived from (seed, user id), so the
 * harness and the API benchmark can recompute it without reading it back. The database stores
 * only its SHA-256 (api_tokens.token_sha256), which is what the engine's auth looks up.
 */
export function seededApiToken(seed: number, userId: string): string {
  return `ll_${createHash('sha256').update(`loadlab-seed/${seed}/${userId}`).digest('hex').slice(0, 40)}`;
}

/** SHA-256 hex of a bearer token, as stored in api_tokens.token_sha256. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
