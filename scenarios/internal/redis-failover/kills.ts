import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../../../engine/index.js';
import { startFaultSchedule } from '../../../harness/faults/index.js';
import type { RedisHandle } from '../../../harness/infra/index.js';
import type { TimelineMark } from '../../../harness/result/index.js';
import type { ClientFleet } from './clients.js';

export type KillPointName = 'round' | 'event-flush' | 'cost-flush';

export interface KillOutcome {
  point: KillPointName;
  /** Whether the trigger condition was met (false: killed on the timeout instead). */
  triggered: boolean;
  /** performance.now() of the kill and of the restart. */
  killedAt: number;
  restartedAt: number;
  /** ms from restart to the first event published to Redis again, and to every client back on Redis. */
  publishRecoveryMs: number | null;
  sseRecoveryMs: number | null;
}

interface Driver {
  engine: Engine;
  fleet: ClientFleet;
  redis: RedisHandle;
  outageMs: number;
  settleMs: number;
  triggerTimeoutMs: number;
  /** performance.now() of the scenario start (timeline t0). */
  t0: number;
  signal: AbortSignal;
  marks: TimelineMark[];
}

/** The engine state each kill point waits for (polled every millisecond). */
function ready(d: Driver, point: KillPointName): () => boolean {
  switch (point) {
    // A persona round is running: its contributions are arriving.
    case 'round':
      return () => d.fleet.deliveries.some((x) => x.type === 'contribution');
    // Events accepted and not yet confirmed by PostgreSQL: a batch is pending or being written.
    case 'event-flush':
      return () => d.engine.events.counters().backlog > 0;
    // A cost batch in flight, or the buffer about to reach the batch size.
    case 'cost-flush':
      return () => {
        const a = d.engine.costs.accounting();
        const size = d.engine.costs.bufferStats().bufferSize;
        return a.buffered > size || size >= d.engine.config.costs.batchSize - 3;
      };
  }
}

async function until(cond: () => boolean, timeoutMs: number, signal: AbortSignal, everyMs = 1): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (cond()) return true;
    signal.throwIfAborted();
    await sleep(everyMs);
  }
  return cond();
}

/**
 * SIGKILLs Redis at each kill point in turn (through the fault schedule, so kill and restart are
 * timeline marks), restarts it after `outageMs`, and measures how long publishing and the SSE
 * clients take to come back.
 */
export async function runKills(d: Driver, points: readonly KillPointName[]): Promise<KillOutcome[]> {
  const out: KillOutcome[] = [];
  for (const point of points) {
    const triggered = await until(ready(d, point), d.triggerTimeoutMs, d.signal);
    const killedAt = performance.now();
    const ev = d.engine.events.counters();
    const co = d.engine.costs.accounting();
    d.marks.push({
      t: Math.round(killedAt - d.t0),
      kind: 'event',
      label: `kill point ${point}${triggered ? '' : ' (trigger timed out)'}: event backlog ${ev.backlog}, cost records in memory ${co.buffered}`,
    });
    const run = startFaultSchedule(
      [{ atMs: 0, fault: { kind: 'redis-kill', downMs: d.outageMs } }],
      { redis: d.redis },
      { t0: d.t0, signal: d.signal },
    );
    const report = await run.done;
    d.marks.push(...report.marks);
    const restartedAt = performance.now();
    const published = d.engine.events.counters().published;
    const pubOk = await until(() => d.engine.events.counters().published > published, 10_000, d.signal, 5);
    const publishRecoveryMs = pubOk ? performance.now() - restartedAt : null;
    const sseOk = await until(() => d.fleet.polling() === 0, 10_000, d.signal, 5);
    const sseRecoveryMs = sseOk ? performance.now() - restartedAt : null;
    out.push({ point, triggered, killedAt, restartedAt, publishRecoveryMs, sseRecoveryMs });
    await sleep(d.settleMs);
  }
  return out;
}
