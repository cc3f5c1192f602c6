import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

let cached: (() => void) | null | undefined;

/**
 * A function that forces a full GC, or null. Uses global.gc under --expose-gc; otherwise turns
 * the V8 flag on at run time and takes `gc` from a fresh context (the CLI does not pass the flag).
 */
export function forceGc(): (() => void) | null {
  if (cached !== undefined) return cached;
  const g = (globalThis as { gc?: unknown }).gc;
  if (typeof g === 'function') return (cached = g as () => void);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    cached = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * heapUsed once the process has been idle for a few ticks: with `withGc`, a forced full GC before
 * each reading (70-200 ms of stalled event loop each on this machine, which the generator
 * self-check sees), and the minimum of the readings (garbage only ever adds to heapUsed, so the
 * minimum is the closest to what is really retained; without GC it is an upper bound).
 */
export async function settledHeapUsed(withGc: boolean, ticks = 5, tickMs = 20): Promise<number> {
  const gc = withGc ? forceGc() : null;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ticks; i++) {
    await sleep(tickMs);
    gc?.();
    min = Math.min(min, process.memoryUsage().heapUsed);
  }
  return min;
}
