import fs from 'node:fs';

/** Linux reports process and thread times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const US_PER_CLOCK_TICK = 10_000;

/**
 * CPU time (µs, user + system) recorded in a Linux `stat` file: a whole process
 * (`/proc/<pid>/stat`, every thread) or one thread (`/proc/<pid>/task/<tid>/stat`; the main
 * thread's tid is the pid). undefined off Linux, or once the process is gone.
 */
export function procStatCpuMicros(statPath: string): number | undefined {
  try {
    const stat = fs.readFileSync(statPath, 'utf8');
    // Fields 14 and 15 (utime, stime); field 2 (the command) may hold spaces, so count from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * US_PER_CLOCK_TICK : undefined;
  } catch {
    return undefined;
  }
}
