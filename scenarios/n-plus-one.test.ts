import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { biggestSort } from './internal/n-plus-one/actions-cost.js';
import { nPlusOneScenario, type NPlusOneParams } from './n-plus-one.js';

describe('n-plus-one scenario', () => {
  it('finds the audited N+1 by fingerprint repetition and none in the optimized API', async () => {
    const out = await runScenarioForTest<NPlusOneParams>(nPlusOneScenario, {
      params: { requests: 3, actionsLimit: 50 },
      seedProfile: { name: 'tiny', users: 200, sessions: 900, researchRows: 10 },
    });
    expect(out.result.error).toBeUndefined();
    const h = out.result.measurements.histograms;
    // Audited listing: 1 page query + one get_metadata per cold session (page of 10).
    expect(h['n1.sessions.queries_per_request.audited']!.p50).toBeGreaterThan(5);
    expect(h['n1.sessions.queries_per_request.optimized']!.max).toBeLessThanOrEqual(2);
    expect(h['n1.actions.queries_per_request.optimized']!.max).toBeLessThanOrEqual(2);
    const c = out.result.measurements.counters;
    expect(c['n1.audited.n_plus_one_requests']!.value).toBeGreaterThan(0);
    expect(c['n1.optimized.n_plus_one_requests']!.value).toBe(0);
    expect(out.claims.find((x) => x.id === 'C01')?.verdict).toBe('confirmed');
    expect(out.result.status).toBe('passed');
    // The actions endpoint's cost split (issue 18): the audited listing sorts on every column for
    // its DISTINCT; the optimized one on its two ORDER BY keys at most, reading its new index.
    const cost = out.result.findings.find((f) => f.id === 'n-plus-one.actions-cost');
    expect(cost?.title).toMatch(/[\w.]+ is \d+ % of the request/);
    // The listing's server execution is of the same pages the requests walked (offsets 0, 50, 100).
    expect(cost?.measuredImpact.summary).toMatch(
      /audited: [\d.]+ ms per request .* listing server execution [\d.]+ ms \(EXPLAIN ANALYZE, timing off, of the same 3 page\(s\), mean; first [\d.]+ ms, last [\d.]+ ms\); plan of the page at offset 50:/,
    );
    expect(out.result.measurements.counters['n1.actions.listing_execution_ms.optimized']?.value).toBeGreaterThan(0);
    const plans = out.result.evidence.plans;
    const audited = plans.find((x) => x.name === 'GET /api/v1/actions listing (audited)');
    const optimized = plans.find((x) => x.name === 'GET /api/v1/actions listing (optimized)');
    expect(audited?.sql).toContain('SELECT DISTINCT');
    expect(optimized?.sql).not.toContain('DISTINCT');
    expect(biggestSort(audited?.raw)?.keys).toBeGreaterThan(30);
    expect(biggestSort(optimized?.raw)?.keys ?? 0).toBeLessThanOrEqual(2);
  }, 240_000);
});
