import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HARNESS_ERRORS, LoadlabError } from '../../../harness/errors/index.js';
import type { KillPoint, WorkerInput, WorkerLine } from './protocol.js';

/** One engine process of the scenario (./worker.ts). */
export interface EngineChild {
  readonly pid: number;
  readonly baseUrl: string;
  /** performance.now() when it was spawned and when it listened. */
  readonly spawnedAt: number;
  readonly readyAt: number;
  arm(point: KillPoint): void;
  /** The armed point's `hit` line, or undefined when it did not come within timeoutMs. */
  hit(timeoutMs: number): Promise<Extract<WorkerLine, { k: 'hit' }> | undefined>;
  /** SIGKILL by this child's PID, then wait for its exit. */
  kill(): Promise<void>;
  /** SIGTERM (the engine flushes and closes), SIGKILL after graceMs. */
  stop(graceMs: number): Promise<void>;
}

export interface EngineChildOptions {
  input: WorkerInput;
  /** Every stdout line, with performance.now() at its arrival. */
  onLine: (line: WorkerLine, at: number) => void;
  /** Every stderr line (the engine logs errors there). */
  onStderr?: (line: string) => void;
  startTimeoutMs: number;
  signal: AbortSignal;
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');
// tsx by absolute URL: `--import tsx` would resolve against the child's cwd, not this package.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const STDERR_TAIL = 20;

/**
 * Starts an engine process and resolves once it listens. The child is SIGKILLed by its PID on
 * every way out: start-up failure, `signal` aborted, this process exiting; and should this
 * process die first, the child stops when its stdin closes.
 */
export async function startEngineChild(o: EngineChildOptions): Promise<EngineChild> {
  o.signal.throwIfAborted();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', TSX_LOADER, WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined || child.stdin === null || child.stdout === null || child.stderr === null) {
    throw new LoadlabError(HARNESS_ERRORS.SERVER_CHILD_FAILED, 'could not start the engine child');
  }
  const stdin = child.stdin;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const killNow = (): void => {
    if (!running()) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killNow);
  o.signal.addEventListener('abort', killNow, { once: true });
  void exited.then(() => {
    process.off('exit', killNow);
    o.signal.removeEventListener('abort', killNow);
  });
  const tail: string[] = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL) tail.shift();
    o.onStderr?.(line);
  });
  const failure = (message: string): LoadlabError =>
    new LoadlabError(
      HARNESS_ERRORS.SERVER_CHILD_FAILED,
      `${message}${tail.length === 0 ? '' : `\n--- last stderr lines of the engine child ---\n${tail.join('\n')}`}`,
    );
  let onHit: ((line: Extract<WorkerLine, { k: 'hit' }>) => void) | undefined;
  let onReady: ((port: number) => void) | undefined;
  readline.createInterface({ input: child.stdout }).on('line', (raw) => {
    const at = performance.now();
    let line: WorkerLine;
    try {
      line = JSON.parse(raw) as WorkerLine;
    } catch {
      return; // not protocol (a stray write): the oracle only reads protocol lines
    }
    if (line.k === 'ready') onReady?.(line.port);
    if (line.k === 'hit') onHit?.(line);
    o.onLine(line, at);
  });
  stdin.on('error', () => undefined);
  stdin.write(`${JSON.stringify(o.input)}\n`);

  let timer: NodeJS.Timeout | undefined;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(failure(`engine child (pid ${pid}) did not listen within ${o.startTimeoutMs} ms`)), o.startTimeoutMs);
      void exited.then(() =>
        reject(failure(`engine child (pid ${pid}) exited (${child.signalCode ?? `code ${child.exitCode}`}) before listening`)),
      );
      onReady = resolve;
    });
  } catch (err) {
    killNow();
    await exited;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const readyAt = performance.now();

  return {
    pid,
    baseUrl: `http://127.0.0.1:${port}`,
    spawnedAt,
    readyAt,
    arm(point) {
      stdin.write(`${JSON.stringify({ cmd: 'arm', point })}\n`);
    },
    hit(timeoutMs) {
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          onHit = undefined;
          resolve(undefined);
        }, timeoutMs);
        onHit = (line) => {
          clearTimeout(t);
          onHit = undefined;
          resolve(line);
        };
      });
    },
    async kill() {
      killNow();
      await exited;
      stdin.destroy();
    },
    async stop(graceMs) {
      if (running()) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // exited meanwhile
        }
        const t = setTimeout(killNow, graceMs);
        await exited;
        clearTimeout(t);
      }
      stdin.destroy();
    },
  };
}
