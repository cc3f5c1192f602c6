import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { httpLoadScenario, type HttpLoadParams } from './http-load.js';

describe('http-load scenario', () => {
  it('drives every endpoint of both variants over a real socket at a fixed rate', async () => {
    const out = await runScenarioForTest<HttpLoadParams>(httpLoadScenario, {
      params: { ratePerSec: 10, connections: 2, durationSec: 1, rounds: 1 },
      seedProfile: { name: 'tiny', users: 200, sessions: 600, researchRows: 10 },
    });
    expect(out.result.error).toBeUndefined();
    const c = out.result.measurements.counters;
    for (const e of ['listing', 'detail', 'actions', 'health']) {
      for (const v of ['audited', 'optimized']) {
        expect(c[`http.${e}.${v}.requests`]!.value, `${e} ${v}`).toBeGreaterThan(3);
        expect(c[`http.${e}.${v}.p95`]!.value).toBeGreaterThan(0);
        expect(c[`http.${e}.${v}.errors`]!.value, `${e} ${v} errors`).toBe(0);
      }
    }
    expect(out.result.comparisons).toHaveLength(4);
  }, 300_000);
});
