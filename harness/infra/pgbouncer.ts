import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LoadlabError } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import { freePort, waitForPort } from './ports.js';
import { findBinary } from './redis.js';

export const PGBOUNCER_DEFAULTS = {
  binary: 'pgbouncer',
  /** Debian installs it in /usr/sbin, which a non-root PATH often lacks. */
  fallbackPaths: ['/usr/sbin/pgbouncer', '/usr/local/sbin/pgbouncer'],
  startTimeoutMs: 10_000,
  /**
   * Startup parameters node-postgres may send that transaction pooling cannot honour per client
   * (the server connection is shared); PgBouncer refuses the connection unless told to ignore them.
   */
  ignoreStartupParameters: ['extra_float_digits', 'statement_timeout', 'options'],
} as const;

export interface PgbouncerOptions {
  /** The PostgreSQL server behind it (its host, port and user are used; any database name is passed through). */
  targetUrl: string;
  /** Where the config, log and pid file go (created; removed by stop()). */
  dir: string;
  poolMode?: 'session' | 'transaction' | 'statement';
  /** Server connections per (database, user) pair: the pooler's own cap on PostgreSQL connections. */
  defaultPoolSize: number;
  /** Client connections accepted in total (engines' pools together). */
  maxClientConn: number;
  onPid?: (pid: number, port: number) => void;
}

export interface PgbouncerHandle {
  readonly port: number;
  readonly poolMode: string;
  /** The URL of database `name` through the pooler. */
  urlFor(name: string): string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** The pgbouncer binary on PATH or where Debian puts it; undefined when not installed. */
export function findPgbouncer(): string | undefined {
  return findBinary(PGBOUNCER_DEFAULTS.binary) ?? PGBOUNCER_DEFAULTS.fallbackPaths.find((p) => fs.existsSync(p));
}

/**
 * `PgBouncer 1.18.0` -> [1, 18]; null when absent. Before 1.21 PgBouncer does not track
 * protocol-level prepared statements, so in transaction mode a named statement prepared on one
 * server connection is missing (or already present) on the next: such a pooler needs the engine's
 * `unnamed` or `simple` statement mode.
 */
export function pgbouncerVersion(): [number, number] | null {
  const binary = findPgbouncer();
  if (binary === undefined) return null;
  try {
    const m = /(\d+)\.(\d+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 }));
    return m === null ? null : [Number(m[1]), Number(m[2])];
  } catch {
    return null;
  }
}

/** Whether this PgBouncer keeps protocol-level prepared statements working in transaction mode (1.21+, max_prepared_statements). */
export function pgbouncerTracksPrepared(version: [number, number] | null): boolean {
  return version !== null && (version[0] > 1 || version[1] >= 21);
}

/** pgbouncer.ini for a loopback-only pooler with trust auth in front of `target`. */
export function pgbouncerConfig(o: {
  target: URL;
  port: number;
  dir: string;
  poolMode: string;
  defaultPoolSize: number;
  maxClientConn: number;
}): string {
  const user = decodeURIComponent(o.target.username) || 'postgres';
  const password = decodeURIComponent(o.target.password);
  const server = `host=${o.target.hostname} port=${o.target.port || 5432} user=${user}${password === '' ? '' : ` password=${password}`}`;
  return [
    '[databases]',
    // Every database name a client asks for goes to the same server under the same name.
    `* = ${server}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${o.port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${path.join(o.dir, 'userlist.txt')}`,
    `pool_mode = ${o.poolMode}`,
    `default_pool_size = ${o.defaultPoolSize}`,
    `max_client_conn = ${o.maxClientConn}`,
    `ignore_startup_parameters = ${PGBOUNCER_DEFAULTS.ignoreStartupParameters.join(',')}`,
    `logfile = ${path.join(o.dir, 'pgbouncer.log')}`,
    `pidfile = ${path.join(o.dir, 'pgbouncer.pid')}`,
    `admin_users = ${user}`,
    '',
  ].join('\n');
}

/**
 * Starts PgBouncer as a child on a free loopback port in front of `targetUrl` (the connection
 * pooler of the audit's tier 3, §6.2). As root it drops to the `postgres` user, since PgBouncer
 * refuses to run as root. Throws LL_PGBOUNCER_MISSING when it is not installed.
 */
export async function startPgbouncer(o: PgbouncerOptions): Promise<PgbouncerHandle> {
  const binary = findPgbouncer();
  if (binary === undefined) {
    throw new LoadlabError(HARNESS_ERRORS.PGBOUNCER_MISSING, 'pgbouncer was not found (PATH, /usr/sbin)', {
      hint: 'install it (Debian/Ubuntu: apt-get install pgbouncer) to put a transaction-mode pooler in the path; without it the tier is measured without one and says so',
    });
  }
  const target = new URL(o.targetUrl);
  const port = await freePort();
  const poolMode = o.poolMode ?? 'transaction';
  fs.mkdirSync(o.dir, { recursive: true });
  const user = decodeURIComponent(target.username) || 'postgres';
  fs.writeFileSync(path.join(o.dir, 'userlist.txt'), `"${user}" ""\n`);
  const ini = path.join(o.dir, 'pgbouncer.ini');
  fs.writeFileSync(
    ini,
    pgbouncerConfig({ target, port, dir: o.dir, poolMode, defaultPoolSize: o.defaultPoolSize, maxClientConn: o.maxClientConn }),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The dropped-privilege process writes its log and pid file here.
    fs.chmodSync(o.dir, 0o777);
    for (const f of fs.readdirSync(o.dir)) fs.chmodSync(path.join(o.dir, f), 0o644);
    let current = path.dirname(o.dir);
    while (current !== path.dirname(current)) {
      const mode = fs.statSync(current).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(current, (mode & 0o7777) | 0o711);
      current = path.dirname(current);
    }
  }
  const proc: ChildProcess = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), ini], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  proc.once('error', () => undefined);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  if (proc.pid !== undefined) o.onPid?.(proc.pid, port);
  const up = await Promise.race([waitForPort(port, PGBOUNCER_DEFAULTS.startTimeoutMs), exited.then(() => false)]);
  if (!up) {
    proc.kill('SIGKILL');
    const log = fs.existsSync(path.join(o.dir, 'pgbouncer.log'))
      ? fs.readFileSync(path.join(o.dir, 'pgbouncer.log'), 'utf8').split('\n').slice(-5).join(' ')
      : '';
    throw new LoadlabError(
      HARNESS_ERRORS.PGBOUNCER_START_FAILED,
      `pgbouncer did not start on 127.0.0.1:${port}: ${stderr.trim() || log.trim() || 'no output'}`,
    );
  }
  return {
    port,
    poolMode,
    urlFor: (name) => {
      const u = new URL(o.targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      u.pathname = `/${name}`;
      return u.toString();
    },
    pid: () => proc.pid,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(o.dir, { recursive: true, force: true });
    },
  };
}
