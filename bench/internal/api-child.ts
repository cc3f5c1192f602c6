import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { procStatCpuMicros } from '../../harness/metrics/index.js';

/** The API server running in its own Node process (bench/api-server.ts). */
export interface ApiChild {
  readonly port: number;
  readonly pid: number;
  /** CPU time (user + system) the child has used so far, in ms; undefined off Linux. */
  cpuMs(): number | undefined;
  /** SIGTERM, wait for a clean exit (the CPU profile is written then); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ApiChildOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  poolMax: number;
  /** Extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir DIR`. */
  nodeFlags?: readonly string[];
  startTimeoutMs?: number;
}

const SERVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'api-server.ts');

/** Starts the server child and resolves once it prints its port. */
export async function startApiChild(o: ApiChildOptions): Promise<ApiChild> {
  const args = [...(o.nodeFlags ?? []), '--import', 'tsx', SERVER_SCRIPT,
    '--database-url', o.databaseUrl, '--redis-url', o.redisUrl, '--prefix', o.prefix, '--pool-max', String(o.poolMax)];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid;
  if (pid === undefined || child.stdout === null) throw new Error('could not start the API server child');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('API server child did not start in time')), o.startTimeoutMs ?? 30_000);
    child.once('exit', (code) => reject(new Error(`API server child exited with ${code} before listening`)));
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (err) {
        reject(err as Error);
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    port, pid,
    cpuMs: () => {
      const us = procStatCpuMicros(`/proc/${pid}/stat`);
      return us === undefined ? undefined : us / 1000;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
