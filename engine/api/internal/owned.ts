import type { SessionRow } from '../../db/index.js';
import type { Engine } from '../../engine.js';
import type { AuthUser } from '../auth.js';
import { notFound } from '../errors.js';

/**
 * The caller's session or a 404: another user's session gets exactly the answer of one that does
 * not exist, so ids cannot be probed.
 */
export async function ownedSession(engine: Engine, id: string, user: AuthUser | undefined): Promise<SessionRow> {
  const row = await engine.repositories.sessions.get(id);
  if (row === undefined || user === undefined || row.user_id !== user.id) throw notFound('session not found');
  return row;
}

/** The authenticated user of a route that requires auth (the hook guarantees it). */
export function userOf(request: { user: AuthUser | undefined }): AuthUser {
  if (request.user === undefined) throw notFound('session not found');
  return request.user;
}
