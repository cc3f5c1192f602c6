import type { Recorder } from '../../../harness/metrics/index.js';
import { minSamplesForPercentile, type HistogramSummary } from '../../../harness/result/index.js';
import type { ScenarioReport } from '../../../harness/scenario/index.js';
import { ENDPOINTS, histogramName, SLO_P95_MS, VARIANTS, type Endpoint, type HttpLoadParams, type Variant } from './params.js';
import type { ServerRound, WindowResult } from './server-round.js';

const P95_MIN_N = minSamplesForPercentile(0.95);

function windowsOf(rounds: readonly ServerRound[], e: Endpoint, v: Variant): WindowResult[] {
  return rounds.filter((r) => r.variant === v).flatMap((r) => r.windows.filter((w) => w.endpoint === e));
}

/**
 * Merges every window into `http.<endpoint>.<variant>` (the count travels with the percentiles,
 * so a budget on too few samples is not judgeable) and records requests, throughput and errors.
 */
export function recordRounds(recorder: Recorder, rounds: readonly ServerRound[]): void {
  for (const v of VARIANTS) {
    let errors = 0;
    for (const e of ENDPOINTS) {
      const ws = windowsOf(rounds, e, v);
      const h = recorder.histogram(histogramName(e, v));
      for (const w of ws) h.add(w.load.histogram);
      recorder.set(
        `${histogramName(e, v)}.requests`,
        ws.reduce((a, w) => a + w.load.requests, 0),
        'count',
      );
      recorder.set(`${histogramName(e, v)}.rps`, ws.reduce((a, w) => a + w.load.requestsPerSec, 0) / Math.max(1, ws.length), 'req/s');
      const bad = ws.reduce((a, w) => a + w.load.failures, 0);
      recorder.set(`${histogramName(e, v)}.errors`, bad, 'count');
      errors += bad;
    }
    recorder.set(`http.${v}.errors`, errors, 'count');
    recorder.set(
      `http.${v}.warmup_requests`,
      rounds.filter((r) => r.variant === v).reduce((a, r) => a + r.warmupRequests, 0),
      'count',
    );
  }
}

/** Audited vs optimized per endpoint on the merged histograms, and findings against bo1's SLO. */
export function compareVariants(report: ScenarioReport, recorder: Recorder, rounds: readonly ServerRound[], p: HttpLoadParams): void {
  for (const e of ENDPOINTS) {
    const a: HistogramSummary = recorder.histogram(histogramName(e, 'audited')).summarize();
    const o: HistogramSummary = recorder.histogram(histogramName(e, 'optimized')).summarize();
    const perRound = rounds
      .filter((r) => r.variant === 'audited')
      .map((r) => {
        const before = r.windows.find((w) => w.endpoint === e)?.load.latency.p95;
        const after = rounds.find((x) => x.variant === 'optimized' && x.round === r.round)?.windows.find((w) => w.endpoint === e)?.load
          .latency.p95;
        return before === undefined || after === undefined ? Number.NaN : before / after;
      })
      .filter(Number.isFinite);
    const name = `GET ${e}: audited vs optimized`;
    report.comparisons.push({
      name,
      metric: 'p95',
      unit: 'ms',
      better: 'lower',
      before: { variant: 'audited', value: a.p95, summary: a },
      after: { variant: 'optimized', value: o.p95, summary: o },
      ratio: a.p95 / o.p95,
      ...(perRound.length > 1
        ? { interval: { method: 'min-max' as const, low: Math.min(...perRound), high: Math.max(...perRound), n: perRound.length } }
        : {}),
    });
    // A p95 from fewer than 200 samples is no measurement: no finding rests on it.
    const judged = (s: HistogramSummary): boolean => s.count >= P95_MIN_N && s.p95 > SLO_P95_MS;
    if (!judged(a) && !judged(o)) continue;
    const optimizedToo = judged(o);
    report.findings.push({
      id: `http-load.slo.${e}`,
      priority: optimizedToo ? 'P1' : 'P2',
      title: `GET ${e} breaks bo1's p95 < ${SLO_P95_MS} ms SLO (${optimizedToo ? 'even optimized' : 'audited only'})`,
      evidence: [{ kind: 'comparison', ref: name }],
      measuredImpact: {
        summary: `p95 audited ${a.p95.toFixed(0)} ms (n = ${a.count}), optimized ${o.p95.toFixed(0)} ms (n = ${o.count}) at ${p.ratePerSec} req/s`,
        metric: 'p95 over SLO',
        value: Math.max(a.p95, o.p95) - SLO_P95_MS,
        unit: 'ms',
        score: ((a.p95 - o.p95) * 1000) / p.ratePerSec,
      },
      recommendation: optimizedToo
        ? 'Profile the endpoint under load (loadlab profile) before raising capacity.'
        : 'Ship the optimized variant (batched lookups, task_count listing, pool 75).',
      auditRef: '§1.1',
    });
  }
  for (const v of VARIANTS) {
    for (const e of ENDPOINTS) {
      const ws = windowsOf(rounds, e, v);
      report.evidence.samples.push({ name: `${histogramName(e, v)}.p95_per_round`, unit: 'ms', values: ws.map((w) => w.load.latency.p95) });
    }
  }
}

/** The scenario's method paragraph: what the numbers mean. */
export function methodText(p: HttpLoadParams, amount: number): string {
  const n = amount * p.rounds;
  return [
    `Each engine variant (audited: pool 20, LEFT JOIN listing, IN-subquery tag filter, per-row lookups; optimized: the audit's recommendations) runs as an HTTP server`,
    `in a Node process of its own (harness/load startApiChild), started afresh per round, the audited variant on a seeded clone with the audit-time schema and the optimized one on a clone of the same rows with every schema recommendation applied, from ctx.engineConfig (so --disable applies to both);`,
    `the load generator (autocannon, in the harness process) never shares its event loop. Each server first gets a warm-up of ${p.warmupSec} s at ${p.ratePerSec} req/s on every endpoint at once`,
    `(pools, caches, JIT), excluded from every figure. Then one endpoint at a time gets a window of ${amount} requests at ${p.ratePerSec} req/s over ${p.connections} connections`,
    `(autocannon releases each connection's share of a second at the start of that second, so requests come in bursts of up to ${p.connections} at once);`,
    p.calibrate.length === 0
      ? ''
      : `for the ${p.calibrate.join(' and ')} variant${p.calibrate.length === 1 ? '' : 's'} in round 1 each window of ${p.calibrateEndpoints.length === ENDPOINTS.length ? 'every endpoint' : p.calibrateEndpoints.join(' and ')} runs in two halves around the autocannon CLI's calibration window.`,
    `Latency runs from writing a request to the last byte of its response; a response slower than its connection's interval (c/R = ${((p.connections * 1000) / p.ratePerSec).toFixed(0)} ms)`,
    `back-fills the requests that connection could not send (coordinated-omission correction), so n can exceed the request count.`,
    `Per endpoint and variant the windows of ${p.rounds === 1 ? 'the single round' : `all ${p.rounds} rounds (variant order alternating)`} are merged into one HDR histogram`,
    `http.<endpoint>.<variant> (n ≈ ${n}); a percentile q counts as a measurement only with n >= 10/(1-q) (p95: 200, p99: 1,000), and a budget on fewer samples is not judgeable.`,
    p.rounds > 1
      ? `A comparison's spread is the min-max of the per-round p95 ratios.`
      : `With one round a comparison has no spread of its own.`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}
