import fs from 'node:fs';

/**
 * True when a process with this PID is running (signal 0 probes without delivering anything).
 * A zombie counts as dead: in a container without an init that reaps orphans, a killed orphan
 * stays a zombie forever but holds no port, memory or files.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** The command line of a live process, or undefined. Used so a recycled PID is never killed by mistake. */
export function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * Kills a process we started, by PID, only if its command line still matches what we started
 * (`expect`), then waits up to `waitMs` for it to go away.
 */
export async function killOwned(pid: number, expect: RegExp, signal: NodeJS.Signals = 'SIGKILL', waitMs = 5_000): Promise<boolean> {
  const cmd = commandLine(pid);
  if (cmd === undefined || !expect.test(cmd)) return false;
  try {
    process.kill(pid, signal);
  } catch {
    return false;
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 25));
  return true;
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
