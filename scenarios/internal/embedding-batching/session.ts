import { createMemoryPorts, runDeliberation, type DeliberationPorts, type EmbeddingMode } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';

export interface EmbeddingVariant {
  name: string;
  mode: Exclude<EmbeddingMode, 'auto'>;
  batchSize: number;
}

export interface EmbeddingTally {
  requests: number;
  texts: number;
  tokens: number;
  /** Texts per request. */
  batchSizes: number[];
  /** Per convergence check: first request start -> last response, mock-clock ms. */
  checkSpans: number[];
  /** Requests per convergence check, in the order of checkSpans. */
  checkRequests: number[];
  checks: number;
}

/**
 * One deliberation with in-memory ports, counting every embedding request the engine sends
 * through the real client (Voyage wire format over the msw mock) and timing each convergence
 * check's embedding work (requests of one check share its sub-problem and round).
 */
export async function tallySession(
  llm: LlmClient,
  input: { sessionId: string; problem: string; subProblems: number; variant: EmbeddingVariant; signal: AbortSignal },
): Promise<EmbeddingTally> {
  const base = createMemoryPorts(llm, { keep: false });
  const tally: EmbeddingTally = { requests: 0, texts: 0, tokens: 0, batchSizes: [], checkSpans: [], checkRequests: [], checks: 0 };
  const spans = new Map<string, { start: number; end: number; requests: number }>();
  const ports: DeliberationPorts = {
    ...base,
    llm: {
      complete: (req) => llm.complete(req),
      embed: async (texts, context) => {
        const key = `${context.subProblemIndex ?? -1}:${context.round ?? -1}`;
        const start = performance.now();
        const r = await llm.embed(texts, context);
        const end = performance.now();
        const span = spans.get(key);
        if (span === undefined) spans.set(key, { start, end, requests: 1 });
        else {
          span.end = Math.max(span.end, end);
          span.requests++;
        }
        tally.requests++;
        tally.texts += texts.length;
        tally.tokens += r.tokens;
        tally.batchSizes.push(texts.length);
        return r;
      },
    },
  };
  await runDeliberation(
    ports,
    { sessionId: input.sessionId, userId: 'loadlab', problem: input.problem, signal: input.signal },
    {
      settings: { subProblems: input.subProblems, embeddingMode: input.variant.mode },
      limits: { embeddingBatchSize: input.variant.batchSize },
    },
  );
  for (const s of spans.values()) {
    tally.checkSpans.push(s.end - s.start);
    tally.checkRequests.push(s.requests);
  }
  tally.checks = spans.size;
  return tally;
}

/** Wall time of one single-text embedding request with no mock latency: the client's own work. */
export async function timeBareRequest(llm: LlmClient, samples: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await llm.embed([`calibration text number ${i} about market entry`], { node: 'calibration' });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
