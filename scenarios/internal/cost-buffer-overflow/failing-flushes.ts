import { setTimeout as sleep } from 'node:timers/promises';
import type { TimelineMark } from '../../../harness/result/index.js';
import { settledHeapUsed } from './heap.js';
import { persistedRequestIds } from './oracle.js';
import type { AccountingProbe } from './probe.js';
import { costInput, waitFlushSettled, waitReady, type CostRig } from './rig.js';

/** Where the records held while flushes fail are, after `fed` records of the regime. */
export interface DepthSample {
  fed: number;
  /** Records in the tracker's memory (buffer + a batch in flight). */
  buffered: number;
  /** LLEN of the Redis retry list, read directly (-1 when Redis could not be read). */
  retryList: number;
  /** Records the tracker counts as waiting in the retry list (its in-process ledger of ids). */
  ledger: number;
  evicted: number;
}

export interface FailingRegime {
  records: number;
  samples: DepthSample[];
  /** Most records in the tracker's memory right after any record of the regime was tracked. */
  maxBuffered: number;
  /** Growth of buffer + retry list per record fed over the regime's second half (1 = keeps every record). */
  growthPerRecord: number;
  /** Records evicted and records added to the retry list during the regime. */
  evicted: number;
  queuedToRedis: number;
  /** heapUsed after minus before (no forced GC unless asked: garbage makes it noisy, indicative only). */
  heapDeltaBytes: number;
}

export interface FailingFlushes {
  pgDown: FailingRegime;
  bothDown: FailingRegime;
  /** Bytes Redis reports for the retry list per queued record (MEMORY USAGE / LLEN), at the end of pgDown. */
  redisBytesPerRecord: number | null;
  /** After both came back: records of this phase in api_costs, and missing beyond the counted evictions. */
  persisted: number;
  lostBeyondEvicted: number;
}

/** Above this growth per record, what is held keeps rising with the input: no bound in sight. */
export const UNBOUNDED_GROWTH = 0.5;

/** Growth of buffered + retry list per record fed between the sample nearest the middle and the last. */
export function growthPerRecord(samples: readonly DepthSample[]): number {
  const last = samples.at(-1);
  if (last === undefined || last.fed === 0) return 0;
  const mid = samples.reduce((best, s) => (Math.abs(s.fed - last.fed / 2) < Math.abs(best.fed - last.fed / 2) ? s : best));
  if (mid.fed >= last.fed) return 0;
  const held = (s: DepthSample): number => s.buffered + Math.max(0, s.retryList);
  return (held(last) - held(mid)) / (last.fed - mid.fed);
}

/**
 * §5.1 hotspot 1, "a buffer whose flushes keep failing risks leaking memory": `records` records
 * with PostgreSQL down (flushes fail, records go to the Redis retry list), then `records` more
 * with Redis down too (the batch comes back to the buffer, capped), sampling where the records
 * are every `sampleEvery`. Then both come back, everything is flushed and drained, and api_costs
 * is checked for the phase's records.
 */
export async function runFailingFlushes(
  rig: CostRig,
  probe: AccountingProbe,
  o: { records: number; sampleEvery: number; forceGc: boolean; mark: (label: string, kind: TimelineMark['kind'], fault?: string) => void },
): Promise<FailingFlushes> {
  const ids: string[] = [];
  const evictedBefore = rig.tracker.accounting().evicted;
  o.mark(`phase D: PostgreSQL down, ${o.records} records, then Redis down too, ${o.records} more`, 'phase');
  await rig.pgProxy.down();
  o.mark('postgres unreachable (proxy down)', 'fault-start', 'proxy-down');
  // With Redis up each record waits for its flush, as bo1's synchronous flush makes log_cost wait.
  const pgDown = await feed(rig, probe, ids, { ...o, phase: 'leak-db-down', paced: true });
  const listed = Math.max(1, (await probe.queueLength()) ?? 1);
  const bytes = Number(await rig.observer.call('MEMORY', 'USAGE', rig.queueKey, 'SAMPLES', '0').catch(() => NaN));
  await rig.redisProxy.down();
  o.mark('redis unreachable (proxy down)', 'fault-start', 'proxy-down');
  const bothDown = await feed(rig, probe, ids, { ...o, phase: 'leak-db-redis-down', paced: false });

  await rig.pgProxy.up();
  await rig.redisProxy.up();
  o.mark('postgres and redis reachable again', 'fault-end', 'proxy-down');
  await waitReady(rig.trackerRedis, 5_000);
  await rig.tracker.flush();
  for (let i = 0; i < 10 && rig.tracker.accounting().queued > 0; i++) await rig.tracker.drainRetryQueue();
  probe.check('after-D');
  const found = new Set(await persistedRequestIds(rig.directDatabaseUrl, ids));
  const evicted = rig.tracker.accounting().evicted - evictedBefore;
  return {
    pgDown,
    bothDown,
    redisBytesPerRecord: Number.isFinite(bytes) ? bytes / listed : null,
    persisted: found.size,
    lostBeyondEvicted: Math.max(0, ids.length - found.size - evicted),
  };
}

async function feed(
  rig: CostRig,
  probe: AccountingProbe,
  ids: string[],
  o: { records: number; sampleEvery: number; forceGc: boolean; phase: string; paced: boolean },
): Promise<FailingRegime> {
  const heapBefore = await settledHeapUsed(o.forceGc);
  const start = rig.tracker.accounting();
  const startList = (await probe.queueLength()) ?? 0;
  const sample = async (fed: number): Promise<DepthSample> => {
    const a = probe.check(o.phase);
    return {
      fed,
      buffered: a.buffered,
      retryList: (await probe.queueLength()) ?? -1,
      ledger: a.queued,
      evicted: a.evicted - start.evicted,
    };
  };
  const samples: DepthSample[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < o.records; i++) {
    ids.push(rig.tracker.track(costInput(o.phase, i)).requestId);
    maxBuffered = Math.max(maxBuffered, probe.check(o.phase).buffered);
    if (o.paced) await waitFlushSettled(rig.tracker);
    if ((i + 1) % o.sampleEvery === 0) {
      samples.push(await sample(i + 1));
      // Unpaced, a short pause per chunk lets failed flushes return and the sampler see the curve.
      if (!o.paced) await sleep(5);
    }
  }
  if (!o.paced) {
    await rig.tracker.flush().catch(() => undefined);
    await waitFlushSettled(rig.tracker);
  }
  const end = rig.tracker.accounting();
  const endList = (await probe.queueLength()) ?? startList;
  return {
    records: o.records,
    samples,
    maxBuffered,
    growthPerRecord: growthPerRecord(samples),
    evicted: end.evicted - start.evicted,
    queuedToRedis: endList - startList,
    heapDeltaBytes: (await settledHeapUsed(o.forceGc)) - heapBefore,
  };
}
