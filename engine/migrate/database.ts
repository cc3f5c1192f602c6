import pg from 'pg';
import { LoadlabError, ENGINE_ERRORS, redactUrl } from '../errors/index.js';

const CONNECT_TIMEOUT_MS = 5_000;

/** Opens one client, turning connection failures into a LoadlabError that names the URL (redacted). */
export async function connectClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that goes away later must not crash the process through an unhandled 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw unreachable(url, err);
  }
}

function unreachable(url: string, err: unknown): LoadlabError {
  const cause = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
  return new LoadlabError(ENGINE_ERRORS.DB_UNREACHABLE, `cannot connect to ${redactUrl(url)}: ${cause}`, {
    hint: 'check that PostgreSQL is running and the URL (host, port, user, password) is right, or unset DATABASE_URL to use the embedded server',
    cause: err,
  });
}

/**
 * Creates the database named in `url` when it does not exist yet (connecting to the server's
 * `postgres` database to do so). Returns true when it created it.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (name === '') return false;
  try {
    const probe = await connectClient(url);
    await probe.end();
    return false;
  } catch (err) {
    const pgCode = err instanceof LoadlabError ? (err.cause as { code?: string } | undefined)?.code : undefined;
    if (pgCode !== '3D000') throw err;
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = await connectClient(admin.toString());
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (err) {
    // Another process may have created it between the probe and now.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
  return true;
}
