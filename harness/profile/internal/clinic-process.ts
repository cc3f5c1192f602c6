import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../infra/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../../errors/index.js';
import { PROFILE_TOOLS, type ProfileToolName } from '../defaults.js';

const LOADLAB_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/loadlab.js');
const TAIL_LINES = 30;

/** What `loadlab serve --json` prints once it listens. */
export interface ServeInfo {
  url: string;
  token: string;
  pid: number;
}

export interface ClinicProcessOptions {
  clinicBin: string;
  tool: ProfileToolName;
  /** Working directory of clinic: its temporary files (v8 logs, trace logs) land here. */
  workDir: string;
  /** clinic --dest */
  dest: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

/**
 * `clinic <tool> -- node bin/loadlab.js serve` as a child, with its output kept for error messages.
 * Every process it knows of (clinic, and serve once it printed its pid) is signalled by PID only.
 */
export class ClinicProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly tail: string[] = [];
  private readonly stopFile: string;
  private serveInfo: ServeInfo | undefined;
  private readonly serveWaiters: ((info: ServeInfo) => void)[] = [];

  constructor(private readonly opts: ClinicProcessOptions) {
    const tool = PROFILE_TOOLS[opts.tool];
    this.stopFile = path.join(opts.workDir, 'stop');
    const args = [opts.clinicBin, tool.clinic, '--dest', opts.dest, '--open=false'];
    if (tool.stop === 'on-port') {
      // clinic runs this once the server listens and stops the profiler when it exits; it exits
      // when stop() creates the stop file. Written as a file to keep shell quoting out of it.
      const waiter = path.join(opts.workDir, 'wait-for-stop.cjs');
      writeFileSync(
        waiter,
        "const fs = require('fs');\nsetInterval(() => { if (fs.existsSync(process.argv[2])) process.exit(0); }, 200);\n",
      );
      args.push('--on-port', `"${process.execPath}" "${waiter}" "${this.stopFile}"`);
    }
    args.push('--', process.execPath, LOADLAB_BIN, 'serve', '--port', String(opts.port), '--host', '127.0.0.1', '--json');
    this.child = spawn(process.execPath, args, { cwd: opts.workDir, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', () => resolve({ code: null, signal: null }));
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (this.serveInfo !== undefined || !line.startsWith('{')) return;
    try {
      const v = JSON.parse(line) as Partial<ServeInfo>;
      if (typeof v.url === 'string' && typeof v.token === 'string' && typeof v.pid === 'number') {
        this.serveInfo = { url: v.url, token: v.token, pid: v.pid };
        for (const w of this.serveWaiters.splice(0)) w(this.serveInfo);
      }
    } catch {
      // Not serve's JSON line: clinic's own output.
    }
  }

  /** The last lines clinic and serve printed, for an error message. */
  output(): string {
    return this.tail.join('\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get serve(): ServeInfo | undefined {
    return this.serveInfo;
  }

  /** Resolves once serve printed its URL and token; fails when clinic exits first or the deadline passes. */
  async waitForServe(timeoutMs: number): Promise<ServeInfo> {
    if (this.serveInfo !== undefined) return this.serveInfo;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<ServeInfo>((resolve) => this.serveWaiters.push(resolve)),
        this.exited.then(({ code, signal }) => {
          throw this.failure(`clinic exited (${signal ?? `code ${code}`}) before loadlab serve was ready`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(this.failure(`loadlab serve was not ready after ${timeoutMs / 1000} s under clinic`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  failure(message: string, cause?: unknown): LoadlabError {
    const out = this.output();
    return new LoadlabError(
      HARNESS_ERRORS.PROFILE_FAILED,
      `${message}${out === '' ? '' : `\n--- last output of clinic and serve ---\n${out}`}`,
      {
        ...(cause === undefined ? {} : { cause }),
        hint: "run with LOADLAB_LOG_LEVEL=info to see serve's logs; `npx loadlab serve` alone must start first",
      },
    );
  }

  /**
   * Ends the profiled run so clinic writes its report: SIGINT to serve (it drains and exits, as on
   * Ctrl-C), or, for tools stopped through --on-port, the stop file.
   */
  stop(): void {
    if (PROFILE_TOOLS[this.opts.tool].stop === 'on-port') writeFileSync(this.stopFile, '');
    else this.signalServe('SIGINT');
  }

  signalServe(signal: NodeJS.Signals): void {
    // Before serve printed its pid (a startup timeout), it is clinic's direct child.
    const pids = this.serveInfo === undefined ? childPids(this.child.pid) : [this.serveInfo.pid];
    for (const pid of pids) {
      if (!isAlive(pid)) continue;
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }

  /** Resolves true once serve (and so its PostgreSQL and Redis children) has exited, false after `ms`. */
  async serveGone(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      const pids = this.serveInfo === undefined ? childPids(this.child.pid) : [this.serveInfo.pid];
      if (pids.every((pid) => !isAlive(pid))) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Last resort, synchronous (usable in an 'exit' hook): serve gets SIGINT so it still tears its infra down. */
  killAll(): void {
    this.signalServe('SIGINT');
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** PIDs whose parent is `ppid`, from /proc (Linux); empty elsewhere or when unknown. */
function childPids(ppid: number | undefined): number[] {
  if (ppid === undefined) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(e));
    } catch {
      // the process ended while we read
    }
  }
  return out;
}
