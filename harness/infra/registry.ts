import fs from 'node:fs';
import path from 'node:path';
import { commandLine, isAlive, killOwned } from './processes.js';

/**
 * Every run writes a record of what it started (children, ports, data directories, databases)
 * under the state directory. A run that dies without cleaning up (SIGKILL, power loss) leaves its
 * record behind; the next run finds records whose owner is gone and removes what they list.
 */
export interface RunRecord {
  runId: string;
  ownerPid: number;
  startedAt: string;
  /** What started the run, e.g. `infra up`; `infra down` looks for it. */
  label?: string;
  /** Left on purpose by --keep: skipped by the automatic cleanup, removed by `loadlab infra clean`. */
  kept?: boolean;
  children: { pid: number; kind: 'postgres' | 'redis'; port: number; match: string }[];
  dirs: string[];
}

const RECORD_FILE = 'run.json';

export function runDir(stateDir: string, runId: string): string {
  return path.join(stateDir, 'runs', runId);
}

export function writeRecord(stateDir: string, record: RunRecord): void {
  const dir = runDir(stateDir, record.runId);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `${RECORD_FILE}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2));
  fs.renameSync(tmp, path.join(dir, RECORD_FILE));
}

function readRecords(stateDir: string): { dir: string; record: RunRecord | undefined }[] {
  const root = path.join(stateDir, 'runs');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).map((name) => {
    const dir = path.join(root, name);
    try {
      return { dir, record: JSON.parse(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as RunRecord };
    } catch {
      return { dir, record: undefined };
    }
  });
}

export interface StaleCleanup {
  runs: string[];
  killed: { pid: number; kind: string }[];
  removedDirs: string[];
}

/** Removes what crashed runs left behind: their children (matched by PID and command line) and directories. */
export async function cleanupStale(stateDir: string, options: { includeKept?: boolean } = {}): Promise<StaleCleanup> {
  const out: StaleCleanup = { runs: [], killed: [], removedDirs: [] };
  for (const { dir, record } of readRecords(stateDir)) {
    if (record?.kept === true && options.includeKept !== true) continue;
    if (record !== undefined && isAlive(record.ownerPid) && ownerLooksLikeUs(record.ownerPid)) continue;
    if (record === undefined) {
      // A record that never finished writing: only remove it once it is clearly old.
      const age = Date.now() - fs.statSync(dir).mtimeMs;
      if (age < 60_000) continue;
    }
    out.runs.push(record?.runId ?? path.basename(dir));
    for (const child of record?.children ?? []) {
      if (await killOwned(child.pid, new RegExp(child.match))) out.killed.push({ pid: child.pid, kind: child.kind });
    }
    for (const extra of record?.dirs ?? []) {
      if (fs.existsSync(extra)) {
        fs.rmSync(extra, { recursive: true, force: true });
        out.removedDirs.push(extra);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    out.removedDirs.push(dir);
  }
  return out;
}

function ownerLooksLikeUs(pid: number): boolean {
  const cmd = commandLine(pid);
  return cmd === undefined || /node|tsx|loadlab|vitest/.test(cmd);
}

/** Live runs (owner still running), e.g. for `loadlab infra down` to find a running `infra up`. */
export function liveRuns(stateDir: string): RunRecord[] {
  return readRecords(stateDir)
    .map((r) => r.record)
    .filter((r): r is RunRecord => r !== undefined && r.ownerPid > 0 && isAlive(r.ownerPid) && ownerLooksLikeUs(r.ownerPid));
}
