import { describe, expect, it } from 'vitest';
import { priceCallInState } from '../costs/index.js';
import { createLlmClient, createMockFetch, createMockLlm, MODEL_SETS, resolveMockProfile, type LlmAttempt } from '../llm/index.js';
import { runDeliberation, type DeliberationOptions } from './deliberate.js';
import { createMemoryPorts } from './memory-ports.js';

function harness() {
  const mock = createMockLlm(resolveMockProfile('instant'));
  const attempts: LlmAttempt[] = [];
  const llm = createLlmClient({
    fetch: createMockFetch(mock.handlers),
    apiKey: 'k',
    models: MODEL_SETS.current,
    costSink: { record: (a) => attempts.push(a) },
    price: (model, u) => priceCallInState({ provider: 'anthropic', model, ...u }),
  });
  const ports = createMemoryPorts(llm);
  return { mock, attempts, llm, ports };
}

const PROBLEM = 'Should we expand our subscription product into Germany next year, given churn and a tight budget?';
const FIXED = { subProblems: 3, personasPerSubProblem: 4, subProblemMaxRounds: 5 };

async function run(settings: DeliberationOptions['settings'], extra: Omit<DeliberationOptions, 'settings'> = {}) {
  const h = harness();
  const result = await runDeliberation(
    h.ports,
    { sessionId: 's1', userId: 'u1', problem: PROBLEM },
    { settings: { ...FIXED, ...settings }, ...extra },
  );
  const anthropic = h.attempts.filter((a) => a.provider === 'anthropic');
  const voyage = h.attempts.filter((a) => a.provider === 'voyage');
  return { ...h, result, anthropic, voyage, types: h.ports.emitted.map((e) => e.type) };
}

describe('deliberation call counts (docs/audited-system.md §4.10)', () => {
  it('3 SPs x 4 personas x max_rounds 5 -> 4 executed rounds, 32 calls per SP + 6 overhead', async () => {
    const r = await run({});
    expect(r.result.subProblems.map((s) => [s.rounds, s.stopReason])).toEqual([
      [4, 'max_rounds'],
      [4, 'max_rounds'],
      [4, 'max_rounds'],
    ]);
    const bySp = (i: number) => r.anthropic.filter((a) => a.context.subProblemIndex === i).length;
    expect([bySp(0), bySp(1), bySp(2)]).toEqual([32, 32, 32]);
    expect(r.anthropic).toHaveLength(102);
    expect(r.anthropic.filter((a) => a.operation === 'persona')).toHaveLength(3 * 14);
    expect(r.ports.saved).toHaveLength(3 * 14);
    expect(r.types.filter((t) => t === 'contribution')).toHaveLength(3 * 14);
    expect(r.result.counters.llmCalls).toBe(102);
    // Batched (optimized): one request per check here (<= 7 unique texts, batch 20).
    expect(r.voyage).toHaveLength(3 * 4);
  });

  it('audited embeddings: one request per text, 13 + 3 x 25 per SP; batch size 5 when batched', async () => {
    const audited = await run({}, { variant: 'audited' });
    expect(audited.voyage).toHaveLength(3 * (13 + 25 * 3));
    expect(audited.voyage.every((a) => a.usage.inputTokens > 0)).toBe(true);
    const batched5 = await run({ embeddingMode: 'batched' }, { limits: { embeddingBatchSize: 5 } });
    expect(batched5.voyage).toHaveLength(3 * (1 + 2 * 3));
  });

  it('hard cap 6 rounds executes 5 (the M-1 quirk) and phases follow §4.4', async () => {
    const r = await run({ subProblems: 1, subProblemMaxRounds: 6 });
    expect(r.result.subProblems[0]).toMatchObject({ rounds: 5, stopReason: 'hard_cap_6_rounds' });
    const phases = r.ports.emitted
      .filter((e) => e.type === 'round_started')
      .map((e) => [e.data['phase'], (e.data['experts'] as string[]).length]);
    expect(phases).toEqual([
      ['exploration', 4],
      ['exploration', 4],
      ['challenge', 3],
      ['challenge', 3],
      ['convergence', 3],
    ]);
  });

  it('emits the lifecycle events in order', async () => {
    const r = await run({ subProblems: 1 });
    expect(r.types[0]).toBe('decomposition_complete');
    expect(r.types.at(-1)).toBe('complete');
    for (const t of [
      'persona_selected',
      'subproblem_started',
      'round_started',
      'contribution',
      'convergence',
      'voting_complete',
      'synthesis_complete',
      'expert_summaries',
      'subproblem_complete',
    ])
      expect(r.types).toContain(t);
    expect(r.types).not.toContain('meta_synthesis_complete');
  });
});

describe('sub-problem modes', () => {
  const order = (types: { type: string; data: Record<string, unknown> }[]) =>
    types
      .filter((e) => e.type === 'subproblem_started' || e.type === 'subproblem_complete')
      .map((e) => `${e.type === 'subproblem_started' ? 'S' : 'C'}${String(e.data['sub_problem_index'])}`);

  it('sequential runs one SP after another; parallel starts all first', async () => {
    const seq = await run({ subProblemMode: 'sequential' });
    expect(order(seq.ports.emitted)).toEqual(['S0', 'C0', 'S1', 'C1', 'S2', 'C2']);
    const par = await run({ subProblemMode: 'parallel' });
    expect(order(par.ports.emitted).slice(0, 3)).toEqual(['S0', 'S1', 'S2']);
    expect(par.anthropic).toHaveLength(102);
  });

  it('batches follow the dependency levels, with the same call count', async () => {
    const r = await run({ subProblemMode: 'batches', subProblems: 4 });
    const batches = r.ports.emitted.filter((e) => e.type === 'batch_started').map((e) => e.data['sub_problems'] as number[]);
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3]);
    expect(r.anthropic).toHaveLength(4 * 32 + 6);
  });
});

describe('pruning and cost guard', () => {
  it('pruning changes memory, not the call count', async () => {
    const on = await run({ pruning: true });
    const off = await run({ pruning: false });
    expect(on.anthropic).toHaveLength(off.anthropic.length);
    // Prompts shrink only where the pruned contributions would have been reused: expert summaries.
    const inTokens = (x: typeof on) =>
      x.anthropic.filter((a) => a.operation === 'expert_summary').reduce((s, a) => s + a.usage.inputTokens, 0);
    expect(inTokens(on)).toBeLessThan(inTokens(off));
  });

  it('the per-session cost guard stops the rounds and goes to the vote', async () => {
    const r = await run({ subProblems: 1 }, { limits: { maxCostPerSessionUsd: 0.01 } });
    expect(r.result.costGuardTripped).toBe(true);
    expect(r.result.subProblems[0]).toMatchObject({ rounds: 1, stopReason: 'cost_budget_exceeded' });
    expect(r.types).toContain('voting_complete');
    expect(r.types.at(-1)).toBe('complete');
  });

  it('a failing LLM fails the session with an error event carrying the code', async () => {
    const mock = createMockLlm(
      resolveMockProfile('instant', { timeScale: 0, errorRates: { rateLimited: 0, overloaded: 1, serverError: 0, hang: 0 } }),
    );
    const llm = createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.current,
      maxRetries: 1,
      costSink: { record: () => undefined },
    });
    const ports = createMemoryPorts(llm);
    await expect(runDeliberation(ports, { sessionId: 's', userId: 'u', problem: PROBLEM })).rejects.toMatchObject({
      code: 'LL_LLM_CALL_FAILED',
    });
    expect(ports.emitted.at(-1)).toMatchObject({ type: 'error', data: { code: 'LL_LLM_CALL_FAILED' } });
  });
});
