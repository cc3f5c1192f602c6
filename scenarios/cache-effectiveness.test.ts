import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { cacheEffectivenessScenario, type CacheEffectivenessParams } from './cache-effectiveness.js';
import { CLAIM_MIN_ROWS, userContextClaim, type LookupTimes } from './internal/cache-effectiveness/lookups.js';
import { RESEARCH_MODEL, researchHitSavingUsd } from './internal/cache-effectiveness/research-claim.js';

const noMix = { statements: 0, totalMs: 0 };
const times = (rounds: number[][]): LookupTimes => ({ warmup: 5, rounds, found: rounds.flat().length });

describe('cache-effectiveness lookup claims (judging only)', () => {
  it('C35 judges the mean of all timed lookups, with the round means as a min-max interval, only at 10K+ rows', () => {
    // Binary-exact figures: round means 0.625 and 0.75, mean of all four 0.6875.
    const rounds = [
      [0.5, 0.75],
      [0.625, 0.875],
    ];
    const fast = userContextClaim(times(rounds), { rows: CLAIM_MIN_ROWS, mix: noMix, method: 'm' });
    expect(fast).toMatchObject({
      verdict: 'confirmed',
      measured: { value: 0.6875, interval: { method: 'min-max', low: 0.625, high: 0.75, n: 2 } },
    });
    expect(fast.measured.summary).toMatch(/10,000 rows: mean 0\.688 ms over n = 4 lookups .*5 warm-up lookups excluded/);
    // The same lookups on a smaller table say nothing about "10K+ rows": shown, not judged.
    const small = userContextClaim(times(rounds), { rows: CLAIM_MIN_ROWS - 1, mix: noMix, method: 'm' });
    expect(small).toMatchObject({ verdict: 'inconclusive', measured: { value: null } });
    expect(small.measured.summary).toMatch(/not judged: the claim is about 10K\+ rows and this table has 9,999/);
    // Every round above twice the bound refutes; rounds on both sides of it decide nothing.
    expect(
      userContextClaim(
        times([
          [11, 13],
          [12, 14],
        ]),
        { rows: 20_000, mix: noMix, method: 'm' },
      ).verdict,
    ).toBe('refuted');
    expect(
      userContextClaim(
        times([
          [1, 1],
          [20, 20],
        ]),
        { rows: 20_000, mix: noMix, method: 'm' },
      ).verdict,
    ).toBe('inconclusive');
  });

  it("C37 prices a hit as the Brave search plus the fast-tier summary call, from the engine's price table", () => {
    expect(RESEARCH_MODEL).toBe('claude-haiku-4-5-20251001');
    // $0.003 search + 1,500 input x $1/M + 500 output x $5/M.
    expect(researchHitSavingUsd(2_000)).toBeCloseTo(0.007, 10);
    // 19,500 input + 500 output: $0.003 + $0.0195 + $0.0025.
    expect(researchHitSavingUsd(20_000)).toBeCloseTo(0.025, 10);
    // A call smaller than the output cap is all output.
    expect(researchHitSavingUsd(400)).toBeCloseTo(0.003 + 0.002, 10);
  });
});

describe('cache-effectiveness scenario', () => {
  it('drives two engines over HTTP (caches off vs on), counts statements per request span, times user-context reads and judges C17, C18, C35, C37', async () => {
    const out = await runScenarioForTest<CacheEffectivenessParams>(cacheEffectivenessScenario, {
      // Two problems for four deliberations: at least two repeat, so the LLM and persona caches must hit.
      params: {
        durationMs: 2_000,
        users: 20,
        sessionsPerUser: 10,
        problems: 2,
        deliberations: 4,
        lookupWarmup: 5,
        lookupRounds: 2,
        lookupsPerRound: 20,
      },
      seedProfile: { name: 'tiny', users: 200, sessions: 600, researchRows: 10 },
    });
    expect(out.result.error).toBeUndefined();
    const c = out.result.measurements.counters;
    const r = out.result.measurements.ratios;
    const requests = c['cache.requests']!.value;
    expect(requests).toBeGreaterThan(10);
    // Every request of the mix issues at least one statement with caches off (its listing or session lookup).
    expect(c['cache.db_queries.off']!.value).toBeGreaterThanOrEqual(requests);
    // Caches can only remove statements, and with Zipf repeats over 20 users they must remove some.
    expect(c['cache.db_queries.on']!.value).toBeLessThan(c['cache.db_queries.off']!.value);
    for (const name of ['sessionMetadata', 'userContext', 'llmResponses', 'personaSelection']) {
      expect(c[`cache.${name}.lookups`]!.value, name).toBeGreaterThan(0);
      expect(r[`cache.${name}.hit_rate`]!.value, name).toBeGreaterThan(0);
      expect(r[`cache.${name}.hit_rate`]!.value, name).toBeLessThanOrEqual(1);
    }
    // The deliberations ran on the engines: a repeated problem is answered (in part) from the caches.
    expect(c['cache.deliberation.sessions']!.value).toBe(4);
    expect(c['cache.deliberation.llm_calls.off']!.value).toBeGreaterThan(4 * 10);
    expect(c['cache.deliberation.llm_calls.on']!.value).toBeLessThan(c['cache.deliberation.llm_calls.off']!.value);
    expect(c['cache.llm_and_persona.saved_usd']!.value).toBeGreaterThan(0);
    // The persona cache embeds every goal first (bo1's single-text path): more Voyage requests, not fewer.
    expect(c['cache.deliberation.embedding_requests.on']!.value).toBeGreaterThan(0);
    // C36 is absent: the engine has no research-cache lookup to time.
    expect(out.claims.map((x) => x.id).sort()).toEqual(['C17', 'C18', 'C35', 'C37']);
    const claim = (id: string) => out.claims.find((x) => x.id === id);
    for (const id of ['C17', 'C18']) {
      const v = claim(id)?.measured.value;
      expect(v !== null && v !== undefined && v >= 0 && v <= 100, id).toBe(true);
    }
    // C17 is the metadata cache's share of ALL statements of the mix: never more than the share of
    // metadata reads it saved, and positive since the metadata cache hit.
    const c17 = claim('C17')?.measured.value ?? Number.NaN;
    expect(c17).toBeGreaterThan(0);
    expect(c17).toBeLessThanOrEqual(c['cache.metadata.queries_saved_pct']!.value);
    expect(claim('C17')?.evidence).toBe('measured');
    expect(claim('C17')?.method).toMatch(/HTTP API/);
    // C18 follows from how often the mix re-reads a session's costs within the TTL: modelled, and
    // re-judged at 1 read per TTL (nothing saved: refuted) and 10 (90 %: confirmed), so inconclusive.
    expect(claim('C18')).toMatchObject({ evidence: 'modelled', measured: { value: c['cache.aggregation.queries_saved_pct']!.value } });
    expect(claim('C18')?.constants?.[0]).toMatchObject({
      name: 'aggregation.reads_per_ttl',
      measuredLow: 0,
      verdictLow: 'refuted',
      measuredHigh: 90,
      verdictHigh: 'confirmed',
    });
    expect(claim('C18')?.verdict).toBe('inconclusive');
    expect(claim('C18')?.verdictReason).toMatch(/^model-dependent: aggregation\.reads_per_ttl 1\.\.10 gives refuted \/ confirmed/);
    // C35: 2 x 20 lookups timed on the caches-off engine, every seeded user has a context row; the
    // test's table (200 users) is below the claim's 10K rows, so the mean is shown and not judged.
    const h = out.result.measurements.histograms['cache.user_context_lookup.off'];
    expect(h?.count).toBe(40);
    expect(c['cache.user_context.rows']!.value).toBe(200);
    expect(claim('C35')).toMatchObject({ verdict: 'inconclusive', measured: { value: null } });
    expect(claim('C35')?.measured.summary).toMatch(
      /user_context of 200 rows: mean [\d.]+ ms over n = 40 lookups .*\(2 rounds of 20, 5 warm-up lookups excluded; 40 found a row\)/,
    );
    expect(claim('C35')?.measured.summary).toMatch(/not judged/);
    // C37: the seeded research rows draw 500-6,000 tokens; even the catalogue's high end (20,000 tokens)
    // saves $0.025, below half of $0.07: refuted at the run's value and at both ends.
    const c37 = claim('C37');
    expect(c37).toMatchObject({ evidence: 'modelled', verdict: 'refuted' });
    expect(c37?.measured.value).toBeGreaterThanOrEqual(researchHitSavingUsd(500));
    expect(c37?.measured.value).toBeLessThanOrEqual(researchHitSavingUsd(6_000));
    expect(c37?.constants?.[0]).toMatchObject({ name: 'research.tokens_per_call', verdictLow: 'refuted', verdictHigh: 'refuted' });
    expect(c37?.constants?.[0]?.measuredLow).toBeCloseTo(researchHitSavingUsd(2_000), 10);
    expect(c37?.constants?.[0]?.measuredHigh).toBeCloseTo(researchHitSavingUsd(20_000), 10);
    expect(c37?.measured.summary).toMatch(/seeded research_cache rows/);
  }, 240_000);
});
