import { setMaxListeners } from 'node:events';
import { priceCall, VOYAGE_PRICING } from '../engine/costs/index.js';
import { checkClaim, constantRange } from '../harness/audit/index.js';
import { HISTOGRAM_RANGES } from '../harness/metrics/index.js';
import type { Comparison } from '../harness/result/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { tallySession, timeBareRequest, type EmbeddingTally, type EmbeddingVariant } from './internal/embedding-batching/session.js';
import { fixedLatency, fmtMs, median, scaledLlm, toRealMs, variantOf } from './internal/llm-mock/index.js';

export interface EmbeddingBatchingParams {
  /** Mock clock of the per-text variant: its delays are multiplied by this; measured spans are divided by it. */
  timeScale: number;
  /** Mock clock of the batched variants (one request wait per check, so close to real time is affordable). */
  batchedTimeScale: number;
  /** Fixed latency of one Voyage request (real time), whatever its batch size. */
  embeddingLatencyMs: number;
  subProblems: number;
  /** Alternating rounds; round r deliberates problem variant r, identical for every variant. */
  rounds: number;
}

/**
 * per-text: what bo1 actually ran (one synchronous Voyage request per text, duplicates included,
 * §4.7; the EmbeddingBatcher had no production callers, §10.2). batch-5 / batch-20: deduplicated
 * texts in batches of EmbeddingsConfig.BATCH_SIZE before and after the audit's change.
 */
const VARIANTS: EmbeddingVariant[] = [
  { name: 'per-text', mode: 'per_text', batchSize: 1 },
  { name: 'batch-5', mode: 'batched', batchSize: 5 },
  { name: 'batch-20', mode: 'batched', batchSize: 20 },
];

const VOYAGE_MODEL = 'voyage-3';
const TEXTS_PER_CHECK = 'embedding.texts_per_check';

export const embeddingBatchingScenario = defineScenario<EmbeddingBatchingParams>({
  name: 'embedding-batching',
  title: 'Embedding batching: batch size 5 vs 20 (and per-text requests)',
  auditRef: '§2.2 opportunity 1; §7 P2.7',
  profiles: {
    // Per-text: 150 ms per request becomes 15 ms (engine CPU per request ~1 ms); batched variants run
    // in real time. The LLM itself answers instantly so only embedding time is measured.
    ci: { timeScale: 0.1, batchedTimeScale: 1, embeddingLatencyMs: 150, subProblems: 2, rounds: 3 },
    default: { timeScale: 0.2, batchedTimeScale: 1, embeddingLatencyMs: 150, subProblems: 3, rounds: 5 },
    full: { timeScale: 1, batchedTimeScale: 1, embeddingLatencyMs: 150, subProblems: 4, rounds: 10 },
  },
  // Self-check: it counts embedding requests; its latency figures are mock delays of 100+ ms.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // Batch 20 must never send more requests than batch 5 on the same deliberations.
    'embedding.requests.ratio_5_to_20': { value: '>= 1' },
    // Batched requests of one check go out together: a check waits about one request (150 ms),
    // not one per text; 400 ms allows for response parsing and scheduling noise.
    'embedding.check.batch-20.real_ms': { p50: '< 400ms' },
  },
  timeoutMs: { ci: 90_000 },
  async run(ctx) {
    const p = ctx.params;
    const overrides = fixedLatency(0, p.embeddingLatencyMs);
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const stop = (): void => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });

    // Each variant on its own mock clock: per-text waits for ~20 serial requests per check, so it
    // needs a small scale to stay short; batched checks wait about one request, so they run close
    // to real time, where the engine's unscaled CPU work (vector JSON, SDK, msw) is not inflated.
    const scaleOf = (v: EmbeddingVariant): number => (v.mode === 'per_text' ? p.timeScale : p.batchedTimeScale);
    const clients = new Map(VARIANTS.map((v) => [v.name, scaledLlm({ timeScale: scaleOf(v), seed: ctx.seed, overrides }).client]));
    // Per-text checks are ~20 serial requests: each request's own client work (measured at zero
    // latency next to every per-text session) is kept unscaled, only the remaining wait is divided.
    const zero = scaledLlm({ timeScale: 0, seed: ctx.seed, overrides }).client;
    const bare: number[] = [];
    const toReal = (v: EmbeddingVariant, scaledMs: number, requests: number): number => {
      if (v.mode !== 'per_text') return toRealMs(scaledMs, scaleOf(v));
      const work = Math.min(scaledMs, requests * median(bare));
      return work + toRealMs(scaledMs - work, scaleOf(v));
    };

    const perRound = new Map<string, EmbeddingTally[]>(VARIANTS.map((v) => [v.name, []]));
    for (let r = 0; r < p.rounds; r++) {
      ctx.progress('deliberations', `round ${r + 1}/${p.rounds}`);
      const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) {
        ctx.signal.throwIfAborted();
        const client = clients.get(v.name);
        if (client === undefined) continue;
        if (v.mode === 'per_text') bare.push(await timeBareRequest(zero, 30));
        const t = await tallySession(client, {
          sessionId: `r${r}-${v.name}`,
          problem: variantOf(r),
          subProblems: p.subProblems,
          variant: v,
          signal: controller.signal,
        });
        perRound.get(v.name)?.push(t);
        for (const size of t.batchSizes) ctx.recorder.record(`embedding.texts_per_request.${v.name}`, size, HISTOGRAM_RANGES.count);
        ctx.recorder.count(`embedding.requests.${v.name}`, t.requests);
        ctx.recorder.count(`embedding.texts.${v.name}`, t.texts);
        ctx.recorder.count(`embedding.tokens.${v.name}`, t.tokens);
        ctx.recorder.count(`embedding.checks.${v.name}`, t.checks);
      }
    }
    ctx.signal.removeEventListener('abort', stop);
    // Converted once every calibration sample is in, so histograms and summaries agree.
    for (const v of VARIANTS) {
      for (const t of perRound.get(v.name) ?? []) {
        t.checkSpans.forEach((span, i) =>
          ctx.recorder.record(`embedding.check.${v.name}.real_ms`, toReal(v, span, t.checkRequests[i] ?? 1)),
        );
      }
    }

    const sum = (name: string, f: (t: EmbeddingTally) => number): number => (perRound.get(name) ?? []).reduce((a, t) => a + f(t), 0);
    const cost = (tokens: number): number => priceCall({ provider: 'voyage', model: VOYAGE_MODEL, inputTokens: tokens }).totalCost;
    const stats = Object.fromEntries(
      VARIANTS.map((v) => {
        const rounds = perRound.get(v.name) ?? [];
        const requests = sum(v.name, (t) => t.requests);
        const tokens = sum(v.name, (t) => t.tokens);
        const checks = sum(v.name, (t) => t.checks);
        ctx.recorder.set(`embedding.cost_usd.${v.name}`, cost(tokens), 'usd');
        return [
          v.name,
          {
            requests,
            tokens,
            checks,
            texts: sum(v.name, (t) => t.texts),
            perSession: requests / Math.max(1, rounds.length),
            perCheck: requests / Math.max(1, checks),
            costPerSession: cost(tokens) / Math.max(1, rounds.length),
            checkP50: median(rounds.flatMap((t) => t.checkSpans.map((s, i) => toReal(v, s, t.checkRequests[i] ?? 1)))),
            perRoundRequests: rounds.map((t) => t.requests),
            perRoundCheckP50: rounds.map((t) => median(t.checkSpans.map((s, i) => toReal(v, s, t.checkRequests[i] ?? 1)))),
          },
        ];
      }),
    ) as Record<
      string,
      {
        requests: number;
        tokens: number;
        checks: number;
        texts: number;
        perSession: number;
        perCheck: number;
        costPerSession: number;
        checkP50: number;
        perRoundRequests: number[];
        perRoundCheckP50: number[];
      }
    >;
    const b5 = stats['batch-5'];
    const b20 = stats['batch-20'];
    const pt = stats['per-text'];
    if (b5 === undefined || b20 === undefined || pt === undefined) return;

    const ratio = b5.requests / Math.max(1, b20.requests);
    const roundRatios = b5.perRoundRequests.map((x, i) => x / Math.max(1, b20.perRoundRequests[i] ?? 0));
    ctx.recorder.ratio('embedding.requests.ratio_5_to_20', {
      value: ratio,
      unit: 'ratio',
      definition: 'embedding requests with batch size 5 / with batch size 20, same deliberations',
      spread: { method: 'min-max', low: Math.min(...roundRatios), high: Math.max(...roundRatios), n: roundRatios.length },
    });
    ctx.report.comparisons.push(
      cmp(
        'embedding requests per session: batch 5 vs batch 20',
        'embedding.requests',
        'count',
        'batch-5',
        b5.perSession,
        'batch-20',
        b20.perSession,
        roundRatios,
      ),
      cmp(
        'embedding wait per convergence check: batch 5 vs batch 20',
        'embedding.check.real_ms',
        'ms',
        'batch-5',
        b5.checkP50,
        'batch-20',
        b20.checkP50,
        b5.perRoundCheckP50.map((x, i) => x / (b20.perRoundCheckP50[i] ?? Number.NaN)),
      ),
      cmp(
        'embedding cost per session: batch 5 vs batch 20',
        'embedding.cost_usd',
        'usd',
        'batch-5',
        b5.costPerSession,
        'batch-20',
        b20.costPerSession,
        [],
      ),
      cmp(
        'embedding requests per session: per-text (bo1) vs batch 20',
        'embedding.requests',
        'count',
        'per-text',
        pt.perSession,
        'batch-20',
        b20.perSession,
        pt.perRoundRequests.map((x, i) => x / Math.max(1, b20.perRoundRequests[i] ?? 0)),
      ),
      cmp(
        'embedding wait per convergence check: per-text (bo1) vs batch 20',
        'embedding.check.real_ms',
        'ms',
        'per-text',
        pt.checkP50,
        'batch-20',
        b20.checkP50,
        pt.perRoundCheckP50.map((x, i) => x / (b20.perRoundCheckP50[i] ?? Number.NaN)),
      ),
    );

    const uniquePerCheck = b20.texts / Math.max(1, b20.checks);
    // C15 at the ends of texts per check: the engine's batching rule (embedder.ts: distinct texts
    // cut into batches of batchSize, one request each) applied to that many texts per check.
    const textsEnds = constantRange('C15', TEXTS_PER_CHECK);
    const ratioAt = (texts: number): number => Math.ceil(texts / 5) / Math.ceil(texts / 20);
    const price = VOYAGE_PRICING[VOYAGE_MODEL] ?? 0;
    ctx.report.claims.push(
      checkClaim('C15', ratio, {
        summary:
          `${b5.requests} requests with batch 5 vs ${b20.requests} with batch 20 over ${p.rounds} deliberations (${ratio.toFixed(2)}x fewer, ` +
          `per round ${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)}x): a convergence check has only ${uniquePerCheck.toFixed(1)} distinct texts on average ` +
          `(last 6 contributions + the goal), so batch 5 needs 2 requests and batch 20 one; 4x would need >= 16 texts per call. ` +
          `Cost is the same (${fmtUsd(b5.costPerSession)} vs ${fmtUsd(b20.costPerSession)} per session): Voyage bills $${price}/M tokens with no per-request charge. ` +
          `Wait per check p50 ${fmtMs(b5.checkP50)} vs ${fmtMs(b20.checkP50)} (batches go out concurrently). bo1's real path (one request per text, duplicates included) ` +
          `sent ${pt.perSession.toFixed(0)} requests and ${(pt.tokens / Math.max(1, b20.tokens)).toFixed(1)}x the tokens per session, waiting ${fmtMs(pt.checkP50)} per check. ` +
          `At ${textsEnds.low} and ${textsEnds.high} distinct texts per check: ${ratioAt(textsEnds.low).toFixed(2)}x and ${ratioAt(textsEnds.high).toFixed(2)}x.`,
        method:
          `runDeliberation (in-memory ports, ${p.subProblems} sub-problems, parallel) on the same ${p.rounds} problems per variant in alternating order; requests, texts and ` +
          `tokens counted at the embedding port of the real client (Voyage wire format over the msw mock); fixed ${fmtMs(p.embeddingLatencyMs)} per request (the mock ` +
          `does not grow latency with batch size), LLM calls instant; check wait = first request to last response of one convergence check, real time = ` +
          `measured / time scale (per-text ${p.timeScale}, batched ${p.batchedTimeScale}), except the client's own work per per-text request ` +
          `(${median(bare).toFixed(1)} ms median at zero latency, measured beside each per-text session) which is kept unscaled; cost = tokens x voyage-3 price (engine/costs priceCall). ` +
          `Constant ends, modelled: ceil(texts / 5) / ceil(texts / 20) requests per check, the engine's batching of that many distinct texts.`,
        constants: {
          [TEXTS_PER_CHECK]: { value: uniquePerCheck, measuredLow: ratioAt(textsEnds.low), measuredHigh: ratioAt(textsEnds.high) },
        },
        interval: { method: 'min-max', low: Math.min(...roundRatios), high: Math.max(...roundRatios), n: roundRatios.length },
      }),
    );

    const checksPerSession = pt.checks / Math.max(1, p.rounds);
    const waitSaved = (pt.checkP50 - b20.checkP50) * checksPerSession;
    ctx.report.findings.push({
      id: 'embedding-batching.per-text',
      priority: waitSaved > 2_000 ? 'P2' : 'P3',
      title: 'Convergence checks embed one text per request, one after another, duplicates included',
      evidence: [
        { kind: 'comparison', ref: 'embedding wait per convergence check: per-text (bo1) vs batch 20' },
        { kind: 'measurement', ref: 'embedding.check.per-text.real_ms' },
      ],
      measuredImpact: {
        summary:
          `${pt.perCheck.toFixed(1)} requests and ${fmtMs(pt.checkP50)} per check vs ${b20.perCheck.toFixed(1)} and ${fmtMs(b20.checkP50)} deduplicated and batched; ` +
          `${(pt.tokens / Math.max(1, b20.tokens)).toFixed(1)}x the tokens (${fmtUsd(pt.costPerSession)} vs ${fmtUsd(b20.costPerSession)} per session). The wait runs beside the judge call, so a session saves it only where it exceeds that call.`,
        metric: 'embedding.check.real_ms',
        value: waitSaved,
        unit: 'ms',
        // Embedding wait saved per 1,000 sessions.
        score: Math.max(0, waitSaved) * 1_000,
      },
      recommendation:
        "Embed the distinct texts of a check in one batched request (the engine's batched mode), and cache vectors of unchanged contributions between checks.",
      auditRef: '§2.2 opportunity 1; audited-system.md §4.7',
    });
    ctx.report.findings.push({
      id: 'embedding-batching.batch-size',
      priority: 'P3',
      title: `Batch size 20 instead of 5 saves ${ratio.toFixed(1)}x requests, not 4x, and no cost`,
      evidence: [{ kind: 'comparison', ref: 'embedding requests per session: batch 5 vs batch 20' }],
      measuredImpact: {
        summary: `${b5.perSession.toFixed(1)} vs ${b20.perSession.toFixed(1)} requests per session; cost equal; wait per check ${fmtMs(b5.checkP50)} vs ${fmtMs(b20.checkP50)}`,
        metric: 'embedding.requests',
        value: b5.perSession - b20.perSession,
        unit: 'count',
        score: Math.max(0, b5.checkP50 - b20.checkP50) * checksPerSession * 1_000,
      },
      recommendation:
        'Keep 20 (harmless), but expect fewer requests only, not lower cost or latency; dedup and batching per check matter more than the batch size.',
      auditRef: '§2.2 opportunity 1; §7 P2.7',
    });
  },
});

function fmtUsd(x: number): string {
  return `$${x.toFixed(6)}`;
}

function cmp(
  name: string,
  metric: string,
  unit: 'count' | 'ms' | 'usd',
  beforeName: string,
  before: number,
  afterName: string,
  after: number,
  ratios: number[],
): Comparison {
  const finite = ratios.filter((x) => Number.isFinite(x));
  return {
    name,
    metric,
    unit,
    better: 'lower',
    before: { variant: beforeName, value: before },
    after: { variant: afterName, value: after },
    ratio: after > 0 ? before / after : 1,
    ...(finite.length === 0
      ? {}
      : { interval: { method: 'min-max' as const, low: Math.min(...finite), high: Math.max(...finite), n: finite.length } }),
  };
}
