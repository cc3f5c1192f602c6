import { describe, expect, it } from 'vitest';
import { countStore, runScenarioForTest, type StoreCount } from '../test/support/index.js';
import { engineCrashScenario, type EngineCrashParams } from './engine-crash.js';

describe('engine-crash', () => {
  it('SIGKILLs each variant at four points: optimized loses and doubles nothing, audited losses are findings, the oracle matches count(*)', async () => {
    const sql = new Map<string, StoreCount>();
    const out = await runScenarioForTest<EngineCrashParams>(engineCrashScenario, {
      // The store itself, read before the run's databases are dropped: not the scenario's figures.
      inspect: async (infra) => {
        for (const name of infra.databases()) {
          const variant = /_crash_(audited|optimized)_/.exec(name)?.[1];
          if (variant === undefined) continue;
          sql.set(variant, await countStore(infra.postgres.urlFor(name)));
        }
      },
    });
    const c = out.result.measurements.counters;
    const v = (name: string): number => c[name]?.value ?? Number.NaN;
    expect(out.result.error).toBeUndefined();
    expect(out.dataLoss).toEqual([]);
    expect(out.result.budgets.filter((b) => !b.passed).map((b) => b.name)).toEqual([]);

    for (const variant of ['audited', 'optimized'] as const) {
      const p = `crash.${variant}`;
      // Four SIGKILLs, each followed by a new process that resumed the sessions left running.
      expect(v(`${p}.kills`)).toBe(4);
      expect(v(`${p}.kills.triggered`)).toBeGreaterThanOrEqual(3);
      expect(v(`${p}.resumes`)).toBeGreaterThanOrEqual(4);
      expect(out.result.measurements.histograms[`${p}.restartToResumedEventMs`]?.count).toBeGreaterThanOrEqual(3);
      expect(v(`${p}.events.acknowledged`)).toBeGreaterThan(50);
      expect(v(`${p}.costs.acknowledged`)).toBeGreaterThan(50);
      expect(v(`${p}.events.reissued`)).toBe(0);
      // A mid-round kill throws away the round's finished calls: they are made (and paid) again.
      expect(v(`${p}.redone.costRecords`)).toBeGreaterThan(0);
      expect(v(`${p}.redone.costUsd`)).toBeGreaterThan(0);
      // The oracle's account of the store is the store: a direct count(*) taken by this test.
      const counted = sql.get(variant);
      expect(counted).toBeDefined();
      expect(v(`${p}.events.storedPerOracle`)).toBe(counted?.events);
      expect(v(`${p}.costs.storedPerOracle`)).toBe(counted?.costs);
      expect(v(`${p}.events.storedPerSql`)).toBe(counted?.events);
      expect(v(`${p}.costs.storedPerSql`)).toBe(counted?.costs);
      // Nothing stored twice, by the store's own keys.
      expect(counted?.distinctEvents).toBe(counted?.events);
      expect(counted?.distinctCosts).toBe(counted?.costs);
    }

    // Optimized: every accepted event and cost record is stored once, every session completes.
    expect(v('crash.optimized.events.lost')).toBe(0);
    expect(v('crash.optimized.events.duplicated')).toBe(0);
    expect(v('crash.optimized.costs.lost')).toBe(0);
    expect(v('crash.optimized.costs.duplicated')).toBe(0);
    expect(v('crash.optimized.sessions.completed')).toBe(v('crash.optimized.sessions.total'));
    expect(v('crash.optimized.sessions.failed')).toBe(0);
    expect(v('crash.optimized.replayed.costRecords')).toBeGreaterThan(0);
    // Nothing was lost, so the store holds what was accepted (plus what a kill left undecided and the replay wrote).
    expect(sql.get('optimized')?.events).toBe(v('crash.optimized.events.acknowledged') + v('crash.optimized.events.recovered'));
    expect(sql.get('optimized')?.costs).toBe(v('crash.optimized.costs.acknowledged'));

    // Audited: its cost buffer waits for 100 records or the session's end, so SIGKILLs mid-session
    // lose records; each kind of loss is a finding carrying the oracle's count, not a failed budget.
    const lostCosts = v('crash.audited.costs.lost');
    expect(lostCosts).toBeGreaterThan(0);
    expect(sql.get('audited')?.costs).toBe(v('crash.audited.costs.acknowledged') - lostCosts);
    const findings = new Map(out.result.findings.map((f) => [f.id, f]));
    expect(findings.get('engine-crash-loses-buffered-costs')?.measuredImpact.value).toBe(lostCosts);
    const lostEvents = v('crash.audited.events.lost');
    if (lostEvents > 0) expect(findings.get('engine-crash-loses-buffered-events')?.measuredImpact.value).toBe(lostEvents);
    else expect(findings.has('engine-crash-loses-buffered-events')).toBe(false);
    expect([...findings.keys()].filter((id) => id.includes('optimized'))).toEqual([]);
    const marks = out.result.evidence.timelines.find((t) => t.name === 'engine-crash')?.marks ?? [];
    expect(marks.filter((m) => m.fault === 'engine-kill' && m.kind === 'fault-start')).toHaveLength(8);
  }, 180_000);
});
