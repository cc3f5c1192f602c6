import type { EngineConfig } from '../../../engine/config/index.js';
import { checkClaim } from '../../../harness/audit/index.js';
import { UNBOUNDED_GROWTH, type FailingFlushes } from './failing-flushes.js';
import { AUDIT_BATCH_SIZE, AUDIT_FLUSH_INTERVAL_MS, QUIET_MS, type FlushTriggers } from './flush-triggers.js';
import type { InsertCost } from './insert-cost.js';

type ClaimRow = ReturnType<typeof checkClaim>;

const ms = (x: number): string => (x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`);
const kb = (x: number): string => `${(x / 1024).toFixed(1)} KB`;
const mb = (x: number): string => `${x >= 0 ? '+' : ''}${(x / 1024 / 1024).toFixed(1)} MB`;

/** C33: per-record DB time with flush batches of 1 and 100; holds when 100 is cheaper in every round. */
export function insertCostClaim(m: InsertCost, sizes: readonly [number, number], warmup: number): ClaimRow {
  const [small, large] = sizes;
  const held = m.rounds.map((r) => (r.large < r.small ? 1 : 0));
  const ratios = m.rounds.map((r) => r.ratio);
  return checkClaim('C33', held.length === 0 ? null : Math.min(...held), {
    summary:
      `DB time per cost record: ${ms(m.small)} in flushes of ${small}, ${ms(m.large)} in flushes of ${large}, ` +
      `${(m.small / Math.max(m.large, 1e-9)).toFixed(1)}x less with ${large} (per round ${Math.min(...ratios).toFixed(1)}x..${Math.max(...ratios).toFixed(1)}x); ` +
      `${m.records} records per size over ${m.rounds.length} rounds (${m.statements.small} and ${m.statements.large} statements), ${warmup} warm-up records per size excluded`,
    method:
      `CostRepository.insertBatch (the tracker's flush statement: one INSERT ... SELECT unnest ... ON CONFLICT DO NOTHING with the daily roll-up), ` +
      `audited statement mode (simple protocol), one direct connection to the scenario's PostgreSQL; DB time = the Db tracer's statement time ` +
      `(client-side interpolation, round trip, parse, plan, execute; no pool wait) summed per size and round; sizes alternate which goes first`,
    interval: { method: 'min-max', low: Math.min(...held), high: Math.max(...held), n: held.length },
  });
}

/** C45: the tracker's flush triggers on a manual clock, against the audit's 100 records and 30 s. */
export function flushTriggerClaim(t: FlushTriggers, costs: EngineConfig['costs']): ClaimRow {
  const size =
    t.sizeTriggerAt === null
      ? `no flush up to ${2 * AUDIT_BATCH_SIZE} buffered records`
      : `first flush at the ${t.sizeTriggerAt}th buffered record (${t.sizeFlushRecords} taken)`;
  const time =
    t.timeTriggerMs === null
      ? `no flush from a record at ${AUDIT_FLUSH_INTERVAL_MS - 1} or ${AUDIT_FLUSH_INTERVAL_MS} ms after the last flush`
      : t.timeTriggerMs < AUDIT_FLUSH_INTERVAL_MS
        ? `a record ${t.timeTriggerMs} ms after the last flush already flushed (before ${AUDIT_FLUSH_INTERVAL_MS} ms)`
        : `a record at ${AUDIT_FLUSH_INTERVAL_MS - 1} ms after the last flush stayed buffered, the one at ${t.timeTriggerMs} ms flushed`;
  const lone = t.loneRecordWaited
    ? `a lone record stayed buffered ${QUIET_MS / 1000} s with no other arrival (the 30 s rule runs only when a record arrives, §5.2: no timer)`
    : `a lone record was flushed by a timer within ${QUIET_MS / 1000} s`;
  return checkClaim('C45', t.holds ? 1 : 0, {
    summary: `clock frozen: ${size}; ${time}; ${lone}; ${t.persisted} records reached api_costs`,
    method:
      `fresh engine CostTracker with the audited variant's costs config (batchSize ${costs.batchSize}, flushIntervalMs ${costs.flushIntervalMs}, ` +
      `timerFlush ${String(costs.timerFlush)}) on a manual clock (engine/clock), real PostgreSQL and Redis; a flush is seen as the buffer handed over ` +
      `synchronously in track(). Breaks if the batch size or interval changes, if the time test becomes strict (> 30 s), or if a timer replaces the on-arrival check`,
  });
}

/** C46: buffer + retry list while every flush fails; "holds" when they keep growing with the input. */
export function failingFlushClaim(f: FailingFlushes, cap: number, sampleEvery: number): ClaimRow {
  const a = f.pgDown;
  const b = f.bothDown;
  const listEnd = a.samples.at(-1)?.retryList ?? -1;
  const unbounded = a.growthPerRecord >= UNBOUNDED_GROWTH;
  const perRecord = f.redisBytesPerRecord === null ? '' : ` (~${kb(f.redisBytesPerRecord)} of Redis memory per record, no cap, no TTL)`;
  return checkClaim('C46', unbounded ? 1 : 0, {
    summary:
      `PostgreSQL failing every flush, ${a.records} records (${a.records / cap}x the ${cap} cap): the Redis retry list grew by ${a.queuedToRedis} to ${listEnd}${perRecord}, ` +
      `buffer + list growing ${a.growthPerRecord.toFixed(2)} per record over the second half; the tracker's own buffer never held more than ${a.maxBuffered}, ` +
      `its in-process ledger of queued ids (loadlab's accounting; bo1 keeps none) reached ${a.samples.at(-1)?.ledger ?? 0}. Redis down too, ${b.records} more: the buffer (+ batch in flight) peaked at ${b.maxBuffered}, ` +
      `${b.evicted} evicted, list unchanged (growth ${b.growthPerRecord.toFixed(2)} per record). heapUsed changed by ${mb(a.heapDeltaBytes)} / ${mb(b.heapDeltaBytes)} ` +
      `over the two (no forced GC: indicative only). After recovery ${f.persisted} of ${a.records + b.records} in api_costs, ${f.lostBeyondEvicted} lost beyond the evictions`,
    method:
      `engine CostTracker (audited variant) behind TCP fault proxies; buffer, Redis LLEN and evictions sampled every ${sampleEvery} records; ` +
      `unbounded = buffer + retry list still growing >= ${UNBOUNDED_GROWTH} per record over the second half of the records fed with PostgreSQL down (the retry list is Redis memory, not the process's)`,
  });
}
