import { createManualClock } from '../../../engine/clock/index.js';
import type { EngineConfig } from '../../../engine/config/index.js';
import { CostTracker, type CostQueueRedis } from '../../../engine/costs/index.js';
import type { CostRepository } from '../../../engine/db/index.js';
import { costInput, waitFlushSettled } from './rig.js';

/**
 * The audit's figures (§2.1, §5.1: "flushed every 100 records or 30 s"), not the config's: a config
 * that drifted from them must make the check fail, not move the goalposts with it.
 */
export const AUDIT_BATCH_SIZE = 100;
export const AUDIT_FLUSH_INTERVAL_MS = 30_000;
/** How long the lone-record probe lets time run with no other record arriving. */
export const QUIET_MS = 120_000;

export interface FlushTriggers {
  /** Buffered records when the first flush started, time frozen (null: none up to twice the audit's batch). */
  sizeTriggerAt: number | null;
  /** Records that first flush took. */
  sizeFlushRecords: number;
  /**
   * Time since the last flush at which the next one started, probed with a record at 29 999 ms and
   * one at 30 000 ms after it (null: neither started one). The audit's rule gives 30 000.
   */
  timeTriggerMs: number | null;
  /** A lone record was still buffered after QUIET_MS with no other record (audited §5.2: no timer). */
  loneRecordWaited: boolean;
  /** Flushes that reached api_costs (the manual clock moves only time; the database is real). */
  persisted: number;
  /** Both triggers as the audit says: the 100th record, and the first record at 30 000 ms, not before. */
  holds: boolean;
}

/**
 * Drives a fresh CostTracker (the given costs config, a real repository and Redis) on a manual
 * clock and watches when it flushes. A flush has started when the record just tracked is no
 * longer in the buffer: track() hands the whole buffer to the flush synchronously, before the
 * insert goes out, so the check needs no waiting and no real time.
 */
export async function observeFlushTriggers(o: {
  repository: CostRepository;
  redis: CostQueueRedis;
  costs: EngineConfig['costs'];
  keyPrefix: string;
}): Promise<FlushTriggers> {
  const clock = createManualClock(Date.parse('2025-12-22T00:00:00Z'));
  const tracker = new CostTracker({ repository: o.repository, redis: o.redis, config: o.costs, redisKeyPrefix: o.keyPrefix, clock });
  let seq = 0;
  /** Tracks one record; the size of the flush it started, or 0. */
  const track = (): number => {
    tracker.track(costInput('flush-triggers', (seq += 1)));
    return tracker.bufferStats().bufferSize === 0 ? tracker.accounting().buffered : 0;
  };
  try {
    // Size: the clock frozen at the tracker's start, so the time rule can never be due.
    let sizeTriggerAt: number | null = null;
    let sizeFlushRecords = 0;
    for (let n = 1; n <= 2 * AUDIT_BATCH_SIZE && sizeTriggerAt === null; n++) {
      const flushed = track();
      if (flushed > 0) [sizeTriggerAt, sizeFlushRecords] = [n, flushed];
    }
    await waitFlushSettled(tracker);

    // Time: one record right after the last flush, one 1 ms before the interval and one at it. A
    // flush's start time (lastFlushTime) says whether one started, whether a record or a timer did it.
    await tracker.flush(); // empties the buffer if no size flush happened, so the interval starts now
    const t0 = tracker.bufferStats().lastFlushTime;
    const startedSince = (t: number): number => tracker.bufferStats().lastFlushTime - t;
    track();
    await clock.advance(AUDIT_FLUSH_INTERVAL_MS - 1);
    track();
    const before = startedSince(t0);
    await waitFlushSettled(tracker);
    await clock.advance(1);
    if (before === 0) track();
    const at = before === 0 ? startedSince(t0) : 0;
    await waitFlushSettled(tracker);

    // No arrival: does anything flush a lone record while time passes?
    await tracker.flush();
    const t1 = tracker.bufferStats().lastFlushTime;
    track();
    await clock.advance(QUIET_MS);
    const loneRecordWaited = startedSince(t1) === 0 && tracker.bufferStats().bufferSize === 1;
    await waitFlushSettled(tracker);
    await tracker.flush();
    const persisted = tracker.accounting().persisted;
    return {
      sizeTriggerAt,
      sizeFlushRecords,
      timeTriggerMs: before > 0 ? before : at > 0 ? at : null,
      loneRecordWaited,
      persisted,
      holds: sizeTriggerAt === AUDIT_BATCH_SIZE && sizeFlushRecords === AUDIT_BATCH_SIZE && before === 0 && at === AUDIT_FLUSH_INTERVAL_MS,
    };
  } finally {
    await tracker.close();
  }
}
