import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkClaim } from '../harness/audit/index.js';
import { startFaultSchedule } from '../harness/faults/index.js';
import { History } from '../harness/load/index.js';
import type { TimelineMark } from '../harness/result/index.js';
import { defineScenario, type ScenarioContext } from '../harness/scenario/index.js';
import type { Logger } from '../engine/log/index.js';
import { forceGc, settledHeapUsed } from './internal/cost-buffer-overflow/heap.js';
import { runFailingFlushes } from './internal/cost-buffer-overflow/failing-flushes.js';
import { failingFlushClaim, flushTriggerClaim, insertCostClaim } from './internal/cost-buffer-overflow/flush-claims.js';
import { observeFlushTriggers } from './internal/cost-buffer-overflow/flush-triggers.js';
import { measureInsertCost } from './internal/cost-buffer-overflow/insert-cost.js';
import { checkEvictions, persistedRequestIds } from './internal/cost-buffer-overflow/oracle.js';
import { AccountingProbe } from './internal/cost-buffer-overflow/probe.js';
import {
  costInput,
  openDirectCosts,
  startCostRig,
  waitFlushSettled,
  waitReady,
  type CostRig,
} from './internal/cost-buffer-overflow/rig.js';

export interface CostBufferOverflowParams {
  /** Records generated with PostgreSQL down (§9 scenario 3: 250, above MAX_BUFFER_SIZE 200). */
  records: number;
  /** Records generated with PostgreSQL and Redis both down. */
  overflowRecords: number;
  /** Records per tick of the overflow burst, so the buffer curve is visible on the timeline. */
  overflowChunk: number;
  /** Records queued in Redis before it is SIGKILLed (retry-list durability check). */
  crashRecords: number;
  /** How long the killed Redis stays down before the fault schedule restarts it. */
  crashOutageMs: number;
  /** Period of the accounting sampler. */
  sampleMs: number;
  /** Records per failure regime of phase D (C46): PostgreSQL down, then PostgreSQL and Redis down. */
  leakRecords: number;
  /** Records between two depth samples in phase D. */
  leakSampleEvery: number;
  /** C33: records inserted per flush size per round, rounds, and warm-up records per size. */
  insertRecords: number;
  insertRounds: number;
  insertWarmup: number;
  /**
   * Force full GCs before heap readings. Off by default: each one stalls the event loop for
   * 70-200 ms here, which marks the run untrusted; without it heap figures are upper bounds.
   */
  forceGc: boolean;
}

const SHAPE = {
  records: 250,
  overflowRecords: 250,
  overflowChunk: 25,
  crashRecords: 100,
  crashOutageMs: 300,
  sampleMs: 10,
  // 10x MAX_BUFFER_SIZE: far enough past the cap that a bound, or its absence, shows.
  leakRecords: 2_000,
  leakSampleEvery: 100,
  // A lone insert costs ~5 ms of DB time here (its own commit): 2 x 200 of them keep C33 under 2 s.
  insertRecords: 200,
  insertRounds: 2,
  insertWarmup: 20,
  forceGc: false,
};

/** C33's flush sizes: one record per flush against the audit's batch of 100. */
const INSERT_SIZES = [1, 100] as const;

type Ctx = ScenarioContext<CostBufferOverflowParams>;

export const costBufferOverflowScenario = defineScenario<CostBufferOverflowParams>({
  name: 'cost-buffer-overflow',
  title: 'Cost tracker buffer overflow with PostgreSQL and Redis down',
  auditRef: '§5.1 hotspot 1; §9 scenario 3',
  profiles: {
    ci: SHAPE,
    default: SHAPE,
    // A longer overflow keeps the buffer on its plateau for many more evictions.
    full: { ...SHAPE, overflowRecords: 2_000, crashRecords: 200, leakRecords: 10_000, insertRecords: 300, insertRounds: 5 },
  },
  budgets: {
    // The accounting identity generated = persisted + queued + buffered + evicted + lostInRetryQueue at every sample.
    'costs.invariant.violations': { max: 0 },
    // audited-system.md §11.2: the audit's own test expects 200 queued after two flushes and 50 buffered.
    'costs.auditTest.retryQueueDepth': { value: '== 200' },
    'costs.auditTest.buffered': { value: '== 50' },
    // MAX_BUFFER_SIZE: with both stores down the buffer must settle at the cap, not above.
    'costs.overflow.plateau': { value: '<= 200' },
    // Everything not counted as evicted must reach api_costs, and exactly once.
    'costs.recovery.lostBeyondEvicted': { max: 0 },
    'costs.recovery.duplicated': { max: 0 },
    // §5.2: the oldest records are the ones dropped.
    'costs.overflow.oldestEvictedFirst': { value: '== 1' },
    // Records lost with a crashed Redis must show in lostInRetryQueue, never as still queued.
    'costs.crash.phantomQueued': { max: 0 },
    'costs.crash.unaccountedLoss': { max: 0 },
    // Phase D: every record not counted as evicted reaches api_costs once both stores are back.
    'costs.leak.lostBeyondEvicted': { max: 0 },
  },
  timeoutMs: { ci: 60_000 },
  async run(ctx) {
    const db = await ctx.data.database({ label: 'costs', seeded: false });
    const redis = await ctx.ownedRedis();
    // The faults are deliberate: the engine's warnings about them would only bury the run's output.
    const logger = ctx.logger.child({ component: 'cost-rig' }, { level: 'fatal' });
    const rig = await startCostRig({ databaseUrl: db.url, redis, keyPrefix: `cbo${randomBytes(3).toString('hex')}:`, logger });
    const probe = new AccountingProbe(rig.tracker, rig.observer, rig.queueKey, () => ctx.elapsed());
    const marks: TimelineMark[] = [];
    try {
      probe.start(ctx.params.sampleMs);
      await runPhases(ctx, rig, probe, marks);
      await healthyPhase(ctx, rig, db.url, logger);
    } finally {
      probe.stop();
      ctx.report.evidence.timelines.push({
        name: 'cost-buffer',
        title: 'Cost accounting terms, retry-list length and heap while PostgreSQL and Redis fail',
        series: probe.timeSeries(),
        marks: [...marks].sort((a, b) => a.t - b.t),
      });
      await rig.pgProxy.up().catch(() => undefined);
      await rig.redisProxy.up().catch(() => undefined);
      await rig.close();
    }
  },
});

async function runPhases(ctx: Ctx, rig: CostRig, probe: AccountingProbe, marks: TimelineMark[]): Promise<void> {
  const p = ctx.params;
  const { recorder: rec, report } = ctx;
  const mark = (label: string, kind: TimelineMark['kind'], fault?: string): void => {
    marks.push({ t: Math.round(ctx.elapsed()), label, kind, ...(fault === undefined ? {} : { fault }) });
  };
  const history = new History();
  const order: string[] = [];
  const track = (phase: string, i: number): void => {
    ctx.signal.throwIfAborted();
    const r = rig.tracker.track(costInput(phase, i));
    history.invoke(r.requestId);
    history.ok(r.requestId);
    order.push(r.requestId);
    probe.check(phase);
  };
  rec.set('heap.gcForced', p.forceGc && forceGc() !== null ? 1 : 0, 'count');
  const heapBaseline = await settledHeapUsed(p.forceGc);

  // A. PostgreSQL unreachable, records one by one with bo1's synchronous flush: the audit's test.
  mark('phase A: PostgreSQL down, 250 records', 'phase');
  await rig.pgProxy.down();
  mark('postgres unreachable (proxy down)', 'fault-start', 'proxy-down');
  for (let i = 0; i < p.records; i++) {
    track('db-down', i);
    await waitFlushSettled(rig.tracker);
  }
  const afterA = probe.check('after-A');
  const queueA = await probe.queueLength();
  rec.set('costs.auditTest.retryQueueDepth', queueA ?? -1, 'count');
  rec.set('costs.auditTest.buffered', afterA.buffered, 'count');
  rec.set('costs.auditTest.failedFlushes', afterA.failedFlushes, 'count');
  let queueMismatches = queueA === afterA.queued ? 0 : 1;
  ctx.progress('db-down', `queue ${queueA ?? '?'}, buffered ${afterA.buffered}`);

  // B. Redis unreachable too: the failed batch goes back to the buffer, capped at MAX_BUFFER_SIZE.
  mark(`phase B: PostgreSQL and Redis down, ${p.overflowRecords} records`, 'phase');
  await rig.redisProxy.down();
  mark('redis unreachable (proxy down)', 'fault-start', 'proxy-down');
  for (let i = 0; i < p.overflowRecords; i++) {
    track('db-redis-down', i);
    if ((i + 1) % p.overflowChunk === 0) await sleep(5);
  }
  await rig.tracker.flush().catch(() => undefined);
  await waitFlushSettled(rig.tracker);
  const afterB = probe.check('after-B');
  const plateau = rig.tracker.bufferStats().bufferSize;
  rec.set('costs.overflow.plateau', plateau, 'count');
  rec.set('costs.overflow.evicted', afterB.evicted, 'count');
  rec.set('costs.overflow.peakHeldRecords', probe.peakBuffered, 'count');
  const heldInRedis = new Set(
    (await rig.observer.lrange(rig.queueKey, 0, -1)).map((raw) => (JSON.parse(raw) as { requestId: string }).requestId),
  );
  const heapPlateau = await settledHeapUsed(p.forceGc);
  ctx.progress('overflow', `buffer ${plateau}, evicted ${afterB.evicted}`);

  // R. Both back: flush the buffer, drain the retry list, then count rows per request_id.
  mark('phase R: PostgreSQL and Redis back, drain', 'phase');
  const tRecover = performance.now();
  await rig.pgProxy.up();
  await rig.redisProxy.up();
  mark('postgres and redis reachable again', 'fault-end', 'proxy-down');
  await waitReady(rig.trackerRedis, 5_000);
  await rig.tracker.flush();
  for (let i = 0; i < 10 && rig.tracker.accounting().queued > 0; i++) await rig.tracker.drainRetryQueue();
  rec.record('costs.recovery.drainMs', performance.now() - tRecover);
  const afterR = probe.check('after-R');
  const queueR = await probe.queueLength();
  if (queueR !== afterR.queued) queueMismatches += 1;
  const observed = await persistedRequestIds(rig.directDatabaseUrl, order);
  const ev = checkEvictions(history, observed, order, heldInRedis, afterR.evicted);
  rec.set('costs.recovery.persisted', afterR.persisted, 'count');
  rec.set('costs.recovery.rowsFound', ev.history.observed, 'count');
  rec.set('costs.recovery.lostBeyondEvicted', ev.lostBeyondEvicted, 'count');
  rec.set('costs.recovery.duplicated', ev.history.duplicated.length, 'count');
  rec.set('costs.overflow.oldestEvictedFirst', ev.oldestFirst, 'count');
  rec.set('costs.overflow.evictedOutOfOrder', ev.outOfOrder, 'count');
  report.evidence.samples.push({ name: 'evicted-age-ranks', unit: 'count', values: ev.positions });
  rec.set('costs.queueAgreement.mismatches', queueMismatches, 'count');
  const heapAfter = await settledHeapUsed(p.forceGc);
  rec.set('heap.baselineBytes', heapBaseline, 'bytes');
  rec.set('heap.plateauBytes', heapPlateau, 'bytes');
  rec.set('heap.afterDrainBytes', heapAfter, 'bytes');
  rec.set('heap.growthAfterDrainBytes', heapAfter - heapBaseline, 'bytes');

  // C. Durability of the retry list: records queued while PostgreSQL is down, then Redis SIGKILLed.
  const crash = await crashPhase(ctx, rig, probe, mark, marks);

  // D. Flushes failing for 10x the cap (C46): where the records go, and whether anything bounds them.
  const leak = await runFailingFlushes(rig, probe, { records: p.leakRecords, sampleEvery: p.leakSampleEvery, forceGc: p.forceGc, mark });
  rec.set('costs.leak.retryListGrowth', leak.pgDown.queuedToRedis, 'count');
  rec.set('costs.leak.maxBufferedDbDown', leak.pgDown.maxBuffered, 'count');
  rec.set('costs.leak.maxBufferedBothDown', leak.bothDown.maxBuffered, 'count');
  rec.set('costs.leak.evicted', leak.bothDown.evicted, 'count');
  rec.set('costs.leak.growthPerRecordDbDown', leak.pgDown.growthPerRecord, 'ratio');
  rec.set('costs.leak.growthPerRecordBothDown', leak.bothDown.growthPerRecord, 'ratio');
  if (leak.redisBytesPerRecord !== null) rec.set('costs.leak.redisBytesPerRecord', leak.redisBytesPerRecord, 'bytes');
  rec.set('costs.leak.lostBeyondEvicted', leak.lostBeyondEvicted, 'count');
  report.evidence.samples.push({
    name: 'retry-list-depth-db-down',
    unit: 'count',
    values: leak.pgDown.samples.map((s) => s.retryList),
  });
  if (leak.lostBeyondEvicted > 0)
    report.dataLoss.push(`${leak.lostBeyondEvicted} cost records of phase D missing from api_costs beyond the counted evictions`);
  report.claims.push(failingFlushClaim(leak, rig.config.costs.maxBufferSize, p.leakSampleEvery));

  const violations = probe.violations.length;
  rec.set('costs.invariant.violations', violations, 'count');
  rec.set('costs.invariant.samples', probe.samples, 'count');
  if (violations > 0)
    report.dataLoss.push(
      `cost accounting identity broken at ${violations} of ${probe.samples} samples (first at ${probe.violations[0]?.where})`,
    );
  if (ev.lostBeyondEvicted > 0)
    report.dataLoss.push(
      `${ev.lostBeyondEvicted} acknowledged cost records missing from api_costs beyond the ${afterR.evicted} counted evictions`,
    );
  if (ev.history.duplicated.length > 0) report.dataLoss.push(`${ev.history.duplicated.length} cost records persisted more than once`);
  if (queueMismatches > 0)
    report.dataLoss.push(`tracker 'queued' term disagreed with the Redis list length at ${queueMismatches} quiescent checks`);

  const capHolds = plateau === rig.config.costs.maxBufferSize && afterB.evicted > 0;
  report.claims.push(
    checkClaim('C23', capHolds ? 1 : 0, {
      summary: `with PostgreSQL and Redis down the buffer settled at ${plateau} (cap ${rig.config.costs.maxBufferSize}), ${afterB.evicted} of ${p.records + p.overflowRecords} records evicted, ${ev.oldestFirst === 1 ? 'oldest first' : `not strictly oldest first (${ev.outOfOrder} evicted while older records were kept)`}; peak held including the batch in flight ${probe.peakBuffered}`,
      method: `engine CostTracker (audited variant) behind TCP fault proxies to PostgreSQL and Redis; ${p.records} records with PostgreSQL down then ${p.overflowRecords} with both down; identity checked at ${probe.samples} samples; api_costs rows counted by request_id after recovery`,
    }),
  );
  pushFindings(ctx, { evicted: afterB.evicted, generated: p.records + p.overflowRecords, plateau, peak: probe.peakBuffered, crash });
}

/**
 * E. Both stores healthy, on a direct connection: the flush triggers on a manual clock (C45) and
 * the DB time per record with flushes of 1 and 100 (C33).
 */
async function healthyPhase(ctx: Ctx, rig: CostRig, databaseUrl: string, logger: Logger): Promise<void> {
  const p = ctx.params;
  const direct = openDirectCosts(databaseUrl, rig.config, logger);
  try {
    const triggers = await observeFlushTriggers({
      repository: direct.costs,
      redis: rig.observer,
      costs: rig.config.costs,
      keyPrefix: `${rig.queueKey}:triggers:`,
    });
    ctx.recorder.set('costs.flush.sizeTriggerAt', triggers.sizeTriggerAt ?? -1, 'count');
    ctx.recorder.set('costs.flush.timeTriggerMs', triggers.timeTriggerMs ?? -1, 'ms');
    ctx.report.claims.push(flushTriggerClaim(triggers, rig.config.costs));
    const cost = await measureInsertCost({
      db: direct.db,
      costs: direct.costs,
      records: p.insertRecords,
      rounds: p.insertRounds,
      warmupRecords: p.insertWarmup,
      sizes: INSERT_SIZES,
    });
    ctx.recorder.set('costs.insert.perRecordMsBatch1', cost.small, 'ms');
    ctx.recorder.set('costs.insert.perRecordMsBatch100', cost.large, 'ms');
    ctx.report.claims.push(insertCostClaim(cost, INSERT_SIZES, p.insertWarmup));
  } finally {
    await direct.db.close();
  }
}

interface CrashOutcome {
  queued: number;
  lost: number;
  phantomQueued: number;
  accountedLost: number;
}

async function crashPhase(
  ctx: Ctx,
  rig: CostRig,
  probe: AccountingProbe,
  mark: (l: string, k: TimelineMark['kind'], f?: string) => void,
  marks: TimelineMark[],
): Promise<CrashOutcome> {
  const p = ctx.params;
  const redis = await ctx.ownedRedis();
  mark(`phase C: PostgreSQL down, ${p.crashRecords} records queued, then Redis SIGKILL`, 'phase');
  await rig.pgProxy.down();
  mark('postgres unreachable (proxy down)', 'fault-start', 'proxy-down');
  const ids: string[] = [];
  for (let i = 0; i < p.crashRecords; i++) {
    ctx.signal.throwIfAborted();
    ids.push(rig.tracker.track(costInput('crash', i)).requestId);
    probe.check('crash');
    await waitFlushSettled(rig.tracker);
  }
  await rig.tracker.flush();
  const queued = (await probe.queueLength()) ?? 0;
  // Before the kill: the tracker reconciles on the reconnect, before the drain below.
  const lostBefore = probe.check('before-kill').lostInRetryQueue;
  const t0 = performance.now() - ctx.elapsed();
  const faults = startFaultSchedule(
    [{ atMs: 0, fault: { kind: 'redis-kill', downMs: p.crashOutageMs } }],
    { redis },
    { t0, signal: ctx.signal },
  );
  const run = await faults.done;
  marks.push(...run.marks);
  await rig.pgProxy.up();
  mark('postgres reachable again', 'fault-end', 'proxy-down');
  await waitReady(rig.trackerRedis, 5_000);
  await waitReady(rig.observer, 5_000);
  await rig.tracker.drainRetryQueue();
  const acc = probe.check('after-C');
  const after = (await probe.queueLength()) ?? 0;
  const observed = new Set(await persistedRequestIds(rig.directDatabaseUrl, ids));
  const lost = ids.filter((id) => !observed.has(id)).length;
  ctx.recorder.set('costs.crash.queuedBeforeKill', queued, 'count');
  ctx.recorder.set('costs.crash.lost', lost, 'count');
  const accountedLost = acc.lostInRetryQueue - lostBefore;
  ctx.recorder.set('costs.crash.phantomQueued', acc.queued - after, 'count');
  ctx.recorder.set('costs.crash.lostInRetryQueue', accountedLost, 'count');
  ctx.recorder.set('costs.crash.unaccountedLoss', Math.max(0, lost - accountedLost), 'count');
  return { queued, lost, phantomQueued: acc.queued - after, accountedLost };
}

function pushFindings(ctx: Ctx, m: { evicted: number; generated: number; plateau: number; peak: number; crash: CrashOutcome }): void {
  const evidence = [{ kind: 'timeline' as const, ref: 'cost-buffer' }];
  if (m.crash.lost > 0) {
    ctx.report.findings.push({
      id: 'cost-retry-queue-volatile',
      priority: 'P1',
      auditRef: '§5.1 hotspot 1; §8.1',
      title: 'Cost records parked in the Redis retry list are lost when Redis crashes (audited variant: no in-process shadow)',
      evidence: [...evidence, { kind: 'measurement', ref: 'costs.crash.lost' }],
      measuredImpact: {
        summary: `${m.crash.lost} of ${m.crash.queued} queued records lost after a SIGKILL of a Redis without persistence; ${m.crash.accountedLost} reported as lostInRetryQueue, ${m.crash.phantomQueued} still reported as queued`,
        metric: 'costs.crash.lost',
        value: m.crash.lost,
        unit: 'count',
        score: (1000 * m.crash.lost) / Math.max(1, m.crash.queued),
      },
      recommendation:
        'Keep a bounded in-process copy of queued records and push them again when the list comes back shorter after a reconnect (the optimized variant, docs/decisions/003), or make the list durable (Redis AOF, appendfsync everysec).',
    });
  }
  if (m.evicted > 0) {
    ctx.report.findings.push({
      id: 'cost-buffer-evicts-on-double-failure',
      priority: 'P2',
      auditRef: '§5.1 hotspot 1; §9 scenario 3',
      title: `With PostgreSQL and Redis both down the cost buffer holds ${m.plateau} records and drops the oldest`,
      evidence: [...evidence, { kind: 'measurement', ref: 'costs.overflow.evicted' }],
      measuredImpact: {
        summary: `${m.evicted} of ${m.generated} records evicted (untracked spend); the cap applies only after a failed double flush, so up to ${m.peak} records (buffer + batch in flight) were held at the peak`,
        metric: 'costs.overflow.evicted',
        value: m.evicted,
        unit: 'count',
        score: (1000 * m.evicted) / Math.max(1, m.generated),
      },
      recommendation:
        "Expose buffer depth, retry-list depth and evictions on /api/health and alert on any eviction (the audit's monitoring recommendation); spool to local disk before evicting.",
    });
  }
}
