import fs from 'node:fs';

/**
 * Total time some runnable task of this machine waited for a CPU (Linux PSI, /proc/pressure/cpu
 * "some ... total=" in µs); undefined where PSI is absent. Two windows measured one after the
 * other only agree when this stays low: other jobs on a shared box move a 2-7 ms latency by
 * multiples between consecutive windows, whichever generator measures it.
 */
function cpuStallMicros(): number | undefined {
  try {
    const m = /^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Starts a span; `stop()` gives the share of its wall time (percent) with a task waiting for CPU. */
export function cpuPressureSpan(): { stop(): number | undefined } {
  const stall0 = cpuStallMicros();
  const t0 = performance.now();
  return {
    stop() {
      const stall1 = cpuStallMicros();
      const wallUs = (performance.now() - t0) * 1000;
      if (stall0 === undefined || stall1 === undefined || wallUs <= 0) return undefined;
      return Math.min(100, ((stall1 - stall0) / wallUs) * 100);
    },
  };
}
