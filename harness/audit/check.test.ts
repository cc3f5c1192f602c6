import { describe, expect, it } from 'vitest';
import { sampleClaims } from '../result/fixtures/sample-claims.js';
import type { Claim } from '../result/index.js';
import { checkClaim, constantRange, unmeasuredClaims, type ConstantRun } from './check.js';
import { CLAIMS } from './claims.js';

const detail = { summary: 's', method: 'm' };

describe('constantRange', () => {
  it("reads a constant's range from the catalogue, and refuses a name the claim does not have", () => {
    expect(constantRange('C14', 'round.personas')).toEqual({ low: 3, high: 5 });
    expect(constantRange('C25', 'pruning.min_kept')).toEqual({ low: 3, high: 10 });
    expect(() => constantRange('C14', 'round.persona')).toThrow(/claim C14 has no constant round\.persona/);
    expect(() => constantRange('C01', 'round.personas')).toThrow(/no constant/);
  });
});

describe('checkClaim', () => {
  it('records the evidence class and the one-line method from the catalogue', () => {
    const c = checkClaim('C02', 6, detail);
    expect(c).toMatchObject({ verdict: 'confirmed', evidence: 'measured', method: 'm' });
    expect(c.approach).toMatch(/task_count/);
  });

  it('gives premise-false when the "missing" index existed, and keeps what the recommendation still changed', () => {
    const c = checkClaim('C07', 1.4, detail);
    expect(c.verdict).toBe('premise-false');
    expect(c.measured.value).toBe(1.4);
    expect(c.premiseFalse).toMatchObject({ changeVerdict: 'refuted' });
    expect(c.premiseFalse?.fact).toMatch(/idx_session_events_session_id/);
    expect(checkClaim('C12', null, detail).premiseFalse?.changeVerdict).toBeNull();
  });

  it('is inconclusive, "model-dependent", when a modelled verdict flips within a constant\'s range', () => {
    const c = checkClaim('C14', 4.9, { ...detail, constants: { 'round.personas': { value: 5, measuredLow: 2.9, measuredHigh: 4.9 } } });
    expect(c.verdict).toBe('inconclusive');
    expect(c.verdictReason).toMatch(/^model-dependent: round\.personas 3\.\.5 gives inconclusive \/ confirmed/);
    expect(c.constants?.find((k) => k.name === 'round.personas')).toMatchObject({
      value: 5,
      low: 3,
      high: 5,
      verdictLow: 'inconclusive',
      verdictHigh: 'confirmed',
    });
  });

  it('keeps a modelled verdict that holds at both ends of every constant, with no reason attached', () => {
    const ends: Record<string, ConstantRun> = {
      'round.personas': { value: 5, measuredLow: 4.8, measuredHigh: 5 },
      'llm.latency.p99_over_p50': { value: 1, measuredLow: 5, measuredHigh: 4.2 },
    };
    const c = checkClaim('C14', 5, { ...detail, constants: ends, interval: { method: 'min-max', low: 4.9, high: 5, n: 2 } });
    expect(c.verdict).toBe('confirmed');
    expect(c.verdictReason).toBe('interval 4.9..5x (min-max, n 2)');
  });

  it("says so when a modelled claim was judged at this run's constants only", () => {
    const c = checkClaim('C26', 0.3, detail);
    expect(c.verdict).toBe('refuted');
    expect(c.verdictReason).toMatch(
      /^judged on the point: no interval recorded; at this run's constants only; not re-judged at the ends of llm\.latency\.p50, deliberation\.rounds, session\.subproblems$/,
    );
    for (const k of c.constants ?? []) expect([k.value, k.verdictLow, k.verdictHigh]).toEqual([null, null, null]);
  });

  it('confirms or refutes on an interval only when all of it lies in that region (part 5)', () => {
    const spread = (low: number, high: number) => ({ interval: { method: 'min-max' as const, low, high, n: 3 } });
    expect(checkClaim('C02', 6, { ...detail, ...spread(4.5, 9) })).toMatchObject({
      verdict: 'confirmed',
      verdictReason: 'interval 4.5..9x (min-max, n 3)',
      measured: { interval: { low: 4.5 } },
    });
    expect(checkClaim('C02', 6, { ...detail, ...spread(3.5, 9) })).toMatchObject({
      verdict: 'inconclusive',
      verdictReason: 'interval 3.5..9x (min-max, n 3) spans inconclusive and confirmed',
    });
    expect(checkClaim('C02', 1.5, { ...detail, ...spread(1.2, 2) }).verdict).toBe('refuted');
    // Refuted at both ends, but on opposite sides of the claim: that is no agreement.
    expect(checkClaim('C02', 6, { ...detail, ...spread(1, 30) }).verdict).toBe('inconclusive');
    expect(checkClaim('C02', 6, detail).verdictReason).toBe('judged on the point: no interval recorded');
    // A yes/no property has no interval to speak of.
    expect(checkClaim('C19', 1, detail).verdictReason).toBeUndefined();
  });

  it('rejects a constant the catalogue does not name (a typo would otherwise go unjudged)', () => {
    expect(() => checkClaim('C14', 5, { ...detail, constants: { 'round.persona': { value: 5 } } })).toThrow(
      expect.objectContaining({ code: 'LL_SCENARIO_INVALID', message: 'claim C14 has no constant round.persona' }),
    );
  });

  it('is inconclusive, "not measured", without a finite value', () => {
    for (const v of [null, Number.NaN])
      expect(checkClaim('C03', v, detail)).toMatchObject({ verdict: 'inconclusive', verdictReason: 'not measured in this run' });
  });
});

describe('unmeasuredClaims', () => {
  it('completes the table with every claim not measured, naming the scenario or saying none exists', () => {
    const rows = unmeasuredClaims([{ id: 'C01' }]);
    expect(rows.map((r) => r.id)).toEqual(CLAIMS.filter((c) => c.id !== 'C01').map((c) => c.id));
    expect(rows.find((r) => r.id === 'C02')).toMatchObject({ scenario: 'query-latency', verdict: 'inconclusive' });
    expect(rows.find((r) => r.id === 'C36')).toMatchObject({
      scenario: 'none',
      measured: { summary: 'not measured: no scenario measures this claim yet' },
    });
  });

  it('names the command that measures a claim no audit profile runs (the §6.2 tiers)', () => {
    const c51 = unmeasuredClaims([]).find((r) => r.id === 'C51');
    expect(c51?.measured.summary).toBe('not measured in this run: no audit profile runs it; `loadlab run capacity --tier 1` measures it');
    expect(c51?.method).toMatch(/^`loadlab run capacity --tier 1` \(scenario capacity/);
    expect(c51?.constants?.[0]).toMatchObject({ name: 'tier.peak_hour_factor', verdictLow: null, verdictHigh: null });
  });
});

describe("the sample RunResult's claims", () => {
  it('are what the catalogue gives for their values, so the fixture cannot drift from the judges', () => {
    for (const row of sampleClaims) {
      const constants = Object.fromEntries(
        (row.constants ?? []).map((k) => [k.name, { value: k.value, measuredLow: k.measuredLow, measuredHigh: k.measuredHigh }]),
      );
      const again: Claim = {
        ...checkClaim(row.id, row.measured.value, {
          summary: row.measured.summary,
          method: row.method,
          ...(row.constants === undefined ? {} : { constants }),
          ...(row.measured.interval === undefined ? {} : { interval: row.measured.interval }),
        }),
        scenario: row.scenario,
      };
      expect(row, row.id).toEqual(again);
    }
  });

  it('cover every evidence class and every verdict', () => {
    expect(new Set(sampleClaims.map((c) => c.evidence))).toEqual(new Set(['measured', 'modelled', 'conformance', 'premise']));
    expect(new Set(sampleClaims.map((c) => c.verdict))).toEqual(new Set(['confirmed', 'refuted', 'inconclusive', 'premise-false']));
  });
});
