import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LoadlabError } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import { INFRA_DEFAULTS } from './defaults.js';
import { freePort, isPortOpen, waitForPort } from './ports.js';

/** What faults and scenarios may do to a Redis. Only a child the harness started can be killed or paused. */
export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  readonly owned: boolean;
  pid(): number | undefined;
  /** SIGKILL: the server dies with no chance to answer anything. */
  kill(): Promise<void>;
  /** SIGSTOP: the socket stays open but nothing is answered. */
  pause(): Promise<void>;
  /** SIGCONT after pause. */
  resume(): Promise<void>;
  /** Starts the server again on the same port (after kill, or kills first). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function findBinary(name: string): string | undefined {
  if (name.includes('/')) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export function redisMissingError(binary: string): LoadlabError {
  return new LoadlabError(HARNESS_ERRORS.REDIS_SERVER_MISSING, `${binary} was not found on PATH`, {
    hint: 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a Redis you run (then the scenarios that kill or pause Redis are skipped)',
  });
}

/** Wraps a Redis the harness does not own: it can be used but not killed. */
export function externalRedis(url: string): RedisHandle {
  const port = Number(new URL(url).port || 6379);
  const refuse = async (): Promise<never> => {
    throw new LoadlabError(HARNESS_ERRORS.REDIS_NOT_OWNED, `cannot kill, pause or restart the Redis at ${url}: loadlab did not start it`, {
      hint: 'unset REDIS_URL so loadlab starts its own redis-server for fault scenarios',
    });
  };
  return {
    url,
    port,
    owned: false,
    pid: () => undefined,
    kill: refuse,
    pause: refuse,
    resume: refuse,
    restart: refuse,
    stop: async () => undefined,
  };
}

/**
 * Starts `redis-server` as a child on a free 127.0.0.1 port with nothing persisted.
 * `onPid` is told every PID the server gets (restart makes a new one) so the run record stays true.
 */
export async function startRedisChild(options: {
  dir: string;
  binary?: string;
  port?: number;
  onPid?: (pid: number, port: number) => void;
}): Promise<RedisHandle> {
  const binary = options.binary ?? INFRA_DEFAULTS.redisBinary;
  const resolved = findBinary(binary);
  if (resolved === undefined) throw redisMissingError(binary);
  const port = options.port ?? (await freePort());
  fs.mkdirSync(options.dir, { recursive: true });
  let child: ChildProcess | undefined;
  let paused = false;

  const launch = async (): Promise<void> => {
    const proc = spawn(
      resolved,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', options.dir, '--loglevel', 'warning'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        // A process group of its own: Ctrl-C in a terminal (or `timeout`) signals the whole
        // foreground group, and Redis must stay up until the harness has written its partial
        // result; the harness stops it itself (and SIGKILLs it on any other way out).
        detached: true,
      },
    );
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.once('error', () => undefined);
    child = proc;
    if (proc.pid !== undefined) options.onPid?.(proc.pid, port);
    const ok = await Promise.race([waitForPort(port, INFRA_DEFAULTS.redisStartTimeoutMs), exited.then(() => false)]);
    if (!ok) {
      proc.kill('SIGKILL');
      throw new LoadlabError(
        HARNESS_ERRORS.REDIS_START_FAILED,
        `redis-server did not start on 127.0.0.1:${port}: ${stderr.trim() || 'no output'}`,
      );
    }
  };

  const killNow = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await gone;
    paused = false;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    pid: () => child?.pid,
    kill: killNow,
    pause: async () => {
      child?.kill('SIGSTOP');
      paused = true;
    },
    resume: async () => {
      if (paused) child?.kill('SIGCONT');
      paused = false;
    },
    restart: async () => {
      await killNow();
      // The kernel frees the port when the process is reaped; wait for it before binding again.
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (await isPortOpen(port))) await new Promise((r) => setTimeout(r, 25));
      await launch();
    },
    stop: async () => {
      if (paused) child?.kill('SIGCONT');
      await killNow();
    },
  };
}
