import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineConfigInput } from '../../engine/config/index.js';
import { ENGINE_ERRORS, HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { procStatCpuMicros } from '../metrics/index.js';

/** The engine's API server running in a Node process of its own (harness/load/internal/api-server.ts). */
export interface ApiChild {
  readonly port: number;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** CPU time (user + system) the child has used so far, in ms; undefined off Linux. */
  cpuMs(): number | undefined;
  /** SIGTERM, wait for a clean exit (engine flushed, CPU profile written); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL by PID now (synchronous: usable in an 'exit' hook); `stop()` still waits for the exit. */
  kill(): void;
}

export interface ApiChildOptions {
  /**
   * The engine config, as a scenario gets it from `ctx.engineConfig(input)` (so `--disable`
   * applies in the child too); needs `databaseUrl` and `redisUrl`. Sent as JSON on stdin.
   */
  config: EngineConfigInput;
  /** Extra node flags for the child, e.g. `--max-semi-space-size=64` or `--cpu-prof --cpu-prof-dir DIR`. */
  nodeFlags?: readonly string[];
  startTimeoutMs?: number;
  /** Aborting SIGKILLs the child (during start-up too). */
  signal?: AbortSignal;
}

export const API_CHILD_DEFAULTS = { startTimeoutMs: 30_000, stopGraceMs: 10_000, stderrTailLines: 20 } as const;

const SERVER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'internal', 'api-server.ts');
// tsx by absolute URL: `--import tsx` would resolve against the child's cwd, not this package.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts the server child and resolves once it listens. The child is SIGKILLed by PID on every
 * path out: start-up failure or timeout, `signal` aborted, this process exiting (an 'exit' hook),
 * and, should this process be SIGKILLed itself, the child stops when its stdin pipe closes.
 */
export async function startApiChild(o: ApiChildOptions): Promise<ApiChild> {
  if (o.config.databaseUrl === undefined || o.config.redisUrl === undefined) {
    throw new LoadlabError(ENGINE_ERRORS.INTERNAL, 'the API server child needs config.databaseUrl and config.redisUrl');
  }
  o.signal?.throwIfAborted();
  const args = [...(o.nodeFlags ?? []), '--import', TSX_LOADER, SERVER_ENTRY];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined || child.stdin === null || child.stdout === null || child.stderr === null) {
    throw new LoadlabError(HARNESS_ERRORS.SERVER_CHILD_FAILED, 'could not start the API server child');
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = (): void => {
    if (running()) signalPid(pid, 'SIGKILL');
  };
  const onAbort = (): void => kill();
  process.once('exit', kill);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  void exited.then(() => {
    process.off('exit', kill);
    o.signal?.removeEventListener('abort', onAbort);
  });
  const tail: string[] = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > API_CHILD_DEFAULTS.stderrTailLines) tail.shift();
  });
  const failure = (message: string, cause?: unknown): LoadlabError =>
    new LoadlabError(
      HARNESS_ERRORS.SERVER_CHILD_FAILED,
      `${message}${tail.length === 0 ? '' : `\n--- last stderr lines of the server child ---\n${tail.join('\n')}`}`,
      { ...(cause === undefined ? {} : { cause }) },
    );
  // Ignored write errors: a child that died at once is reported by the exit below.
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify({ config: o.config })}\n`);

  let timer: NodeJS.Timeout | undefined;
  let abortStart: (() => void) | undefined;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timeoutMs = o.startTimeoutMs ?? API_CHILD_DEFAULTS.startTimeoutMs;
      timer = setTimeout(() => reject(failure(`API server child (pid ${pid}) did not listen within ${timeoutMs} ms`)), timeoutMs);
      void exited.then(() =>
        reject(failure(`API server child (pid ${pid}) exited (${child.signalCode ?? `code ${child.exitCode}`}) before listening`)),
      );
      abortStart = () => reject(o.signal?.reason as Error);
      o.signal?.addEventListener('abort', abortStart, { once: true });
      readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
        try {
          const v = JSON.parse(line) as { port?: unknown };
          if (typeof v.port === 'number' && v.port > 0) resolve(v.port);
          else reject(failure(`API server child printed no port: ${line.slice(0, 200)}`));
        } catch (err) {
          reject(failure(`API server child printed no JSON: ${line.slice(0, 200)}`, err));
        }
      });
    });
  } catch (err) {
    kill();
    await exited;
    throw err;
  } finally {
    clearTimeout(timer);
    if (abortStart !== undefined) o.signal?.removeEventListener('abort', abortStart);
  }

  return {
    port,
    pid,
    baseUrl: `http://127.0.0.1:${port}`,
    cpuMs: () => {
      const us = procStatCpuMicros(`/proc/${pid}/stat`);
      return us === undefined ? undefined : us / 1000;
    },
    kill,
    async stop(graceMs = API_CHILD_DEFAULTS.stopGraceMs) {
      if (running()) {
        signalPid(pid, 'SIGTERM');
        const t = setTimeout(kill, graceMs);
        await exited;
        clearTimeout(t);
      }
      child.stdin?.destroy();
    },
  };
}
