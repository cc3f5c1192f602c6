import { describe, expect, it } from 'vitest';
import { countStore, runScenarioForTest, type StoreCount } from '../test/support/index.js';
import { redisFailoverScenario, type RedisFailoverParams } from './redis-failover.js';

describe('redis-failover', () => {
  it('kills Redis at a round, an event flush and a cost flush under each variant: optimized loses nothing, audited drops are findings and decide C29', async () => {
    const params: Partial<RedisFailoverParams> = { sessions: 2, auditedSessions: 2, outageMs: 300, settleMs: 200 };
    const sql = new Map<'audited' | 'optimized', StoreCount>();
    const out = await runScenarioForTest<RedisFailoverParams>(redisFailoverScenario, {
      params,
      // The store itself, read before the run's databases are dropped: not the scenario's figures.
      inspect: async (infra) => {
        for (const name of infra.databases()) {
          const m = /_failover_(audited_)?\d+$/.exec(name);
          if (m === null) continue;
          sql.set(m[1] === undefined ? 'optimized' : 'audited', await countStore(infra.postgres.urlFor(name)));
        }
      },
    });
    const c = out.result.measurements.counters;
    const v = (name: string): number => c[name]?.value ?? Number.NaN;
    expect(out.result.error).toBeUndefined();

    // Optimized (budgeted): every accepted event and cost record stored exactly once, every session completes.
    expect(v('failover.kills')).toBe(3);
    expect(v('failover.events.acknowledged')).toBeGreaterThan(20);
    expect(v('failover.costs.acknowledged')).toBeGreaterThan(20);
    expect(v('failover.events.unrecorded')).toBe(0);
    expect(v('failover.events.lost')).toBe(0);
    expect(v('failover.events.duplicated')).toBe(0);
    expect(v('failover.costs.lost')).toBe(0);
    expect(v('failover.costs.duplicated')).toBe(0);
    expect(v('failover.sessions.completed')).toBe(2);
    expect(v('failover.sessions.failed')).toBe(0);
    // Nothing lost or doubled, so the store is exactly what was accepted (by the test's own count).
    expect(sql.get('optimized')).toEqual({
      events: v('failover.events.acknowledged'),
      distinctEvents: v('failover.events.acknowledged'),
      costs: v('failover.costs.acknowledged'),
      distinctCosts: v('failover.costs.acknowledged'),
    });
    // Clients noticed the outage: they fell back to PostgreSQL polling and came back to Redis.
    expect(v('failover.sse.fallbacks')).toBeGreaterThan(0);
    expect(v('failover.sse.resumes')).toBeGreaterThan(0);
    // Events a client never received are reported as the SSE-resume finding, with their count.
    const missing = v('failover.sse.missing');
    const sseFinding = out.result.findings.find((f) => f.id === 'sse-skips-events-after-redis-restart');
    expect(sseFinding !== undefined).toBe(missing > 0 || v('failover.sse.gaps') > 0);
    if (sseFinding !== undefined) expect(sseFinding.measuredImpact.value).toBe(missing);
    expect(out.result.measurements.histograms['failover.recovery.publishMs']?.count).toBe(3);

    // Audited, same schedule: three kills of its own Redis, its oracle agrees with count(*).
    expect(v('failover.audited.kills')).toBe(3);
    expect(v('failover.audited.events.unrecorded')).toBe(0);
    const audited = sql.get('audited');
    expect(audited).toBeDefined();
    expect(v('failover.audited.events.storedPerOracle')).toBe(audited?.events);
    expect(v('failover.audited.events.storedPerSql')).toBe(audited?.events);
    expect(v('failover.audited.costs.storedPerOracle')).toBe(audited?.costs);
    expect(v('failover.audited.costs.storedPerSql')).toBe(audited?.costs);
    expect(v('failover.audited.oracle.sqlMismatch')).toBe(0);
    // Redis really was down while the audited engine published (else the run says nothing about C29).
    const redisFailures = v('failover.audited.events.redisFailures');
    expect(redisFailures).toBeGreaterThan(0);
    // §7.1, as the engine reproduces it (events.dropEventsOnRedisFailure): every event whose Redis
    // step failed is dropped, publish() still returns, and exactly those are missing from the store.
    const lost = v('failover.audited.events.lost');
    expect(v('failover.audited.events.dropped')).toBe(redisFailures);
    expect(lost).toBe(redisFailures);
    expect(audited?.events).toBe(v('failover.audited.events.acknowledged') - lost);
    const findings = new Map(out.result.findings.map((f) => [f.id, f]));
    expect(findings.get('redis-outage-drops-events-audited')?.measuredImpact.value).toBe(lost);

    // Audited losses are findings, never failed budgets or the harness's data loss (exit 4).
    expect(out.dataLoss).toEqual([]);
    const budgets = out.result.budgets;
    expect(budgets.filter((b) => /^failover\.audited\.(events|costs|sessions)\./.test(b.name))).toEqual([]);
    expect(budgets.filter((b) => b.name.startsWith('failover.audited.') && !b.passed)).toEqual([]);

    // C29 follows from the audited counts: 1 only if nothing was lost or doubled and every session
    // completed. With events dropped above, the audited system's claim is refuted.
    const auditedLossy =
      lost +
      v('failover.audited.events.duplicated') +
      v('failover.audited.costs.lost') +
      v('failover.audited.costs.duplicated') +
      v('failover.audited.sessions.failed');
    const c29 = out.claims.find((cl) => cl.id === 'C29');
    expect(c29?.measured.value).toBe(auditedLossy === 0 ? 1 : 0);
    expect(c29).toMatchObject({ verdict: 'refuted', evidence: 'measured', measured: { value: 0 } });
    expect(c29?.measured.summary).toMatch(/^audited: .* lost .* optimized: /);
    expect(c29?.method).toContain('same kill schedule');

    for (const name of ['redis-failover', 'redis-failover-audited']) {
      const marks = out.result.evidence.timelines.find((t) => t.name === name)?.marks ?? [];
      expect(marks.filter((m) => m.fault === 'redis-kill' && m.kind === 'fault-start')).toHaveLength(3);
    }
  }, 120_000);
});
