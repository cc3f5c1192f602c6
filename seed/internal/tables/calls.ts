import { priceCall, type CostProvider } from '../../../engine/costs/index.js';
import { units } from '../format.js';
import type { SeedContext, SessionPlan } from '../plan.js';
import { KIND, rngFrom } from '../prng.js';

export const SONNET = 'claude-sonnet-4-5-20250929';
export const HAIKU = 'claude-haiku-4-5-20251001';

export type CallKind = 'decompose' | 'select' | 'research' | 'contribution' | 'summary' | 'embedding' | 'synthesis';

/** One priced LLM/embedding/search call of a session; one api_costs row. Reused between calls. */
export interface Call {
  index: number;
  kind: CallKind;
  provider: CostProvider;
  model: string;
  operation: string;
  node: string;
  phase: string;
  persona: string | null;
  round: number | null;
  subProblem: number;
  /** 1-based position among the session's contributions, or 0. */
  contribution: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreation: number;
  cacheRead: number;
  /** Costs in 1e-8 USD units (exact sums); total is the sum of the four parts. */
  inputU: number;
  outputU: number;
  writeU: number;
  readU: number;
  totalU: number;
  withoutU: number;
  latencyMs: number;
  createdMs: number;
  failed: boolean;
}

/**
 * Replays a session's calls in order (decompose, select, research, rounds of contributions with a
 * summary and an embedding, synthesis), priced with the engine's table. The sessions,
 * contributions and api_costs generators all replay the same calls, so session totals and
 * contribution costs equal the sums of their api_costs rows without holding rows in memory.
 */
export function forEachCall(ctx: SeedContext, s: SessionPlan, visit: (c: Call) => void): void {
  const r = rngFrom(ctx.seed, KIND.costs, s.k);
  const experts = s.personas.length;
  const base = 2 + s.rounds * (experts + 2) + (s.status === 'completed' ? 1 : 0);
  const research = s.costs - base;
  const span = s.endMs - s.createdMs;
  const c: Call = {
    index: 0,
    kind: 'decompose',
    provider: 'anthropic',
    model: SONNET,
    operation: 'completion',
    node: '',
    phase: '',
    persona: null,
    round: null,
    subProblem: 0,
    contribution: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreation: 0,
    cacheRead: 0,
    inputU: 0,
    outputU: 0,
    writeU: 0,
    readU: 0,
    totalU: 0,
    withoutU: 0,
    latencyMs: 0,
    createdMs: 0,
    failed: false,
  };
  const emit = (kind: CallKind, persona: string | null, round: number | null, contribution: number): void => {
    c.kind = kind;
    c.persona = persona;
    c.round = round;
    c.contribution = contribution;
    c.subProblem = round === null ? 0 : (round - 1) % s.subProblems;
    shape(c, r, round);
    const price = priceCall({
      provider: c.provider,
      model: c.model,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      cacheCreationTokens: c.cacheCreation,
      cacheReadTokens: c.cacheRead,
    });
    c.inputU = units(price.inputCost);
    c.outputU = units(price.outputCost);
    c.writeU = units(price.cacheWriteCost);
    c.readU = units(price.cacheReadCost);
    c.totalU = c.inputU + c.outputU + c.writeU + c.readU;
    c.withoutU = units(price.costWithoutOptimization);
    c.failed = r.next() < 0.01;
    // Spread over the lifetime in call order; the jitter stays inside the call's slot.
    c.createdMs = s.createdMs + Math.floor((span * (c.index + 0.9 * r.next())) / s.costs);
    visit(c);
    c.index++;
  };
  emit('decompose', null, null, 0);
  emit('select', null, null, 0);
  for (let i = 0; i < research; i++) emit(i % 3 === 2 ? 'embedding' : 'research', null, null, 0);
  let n = 0;
  for (let round = 1; round <= s.rounds; round++) {
    for (const persona of s.personas) emit('contribution', persona, round, ++n);
    emit('summary', null, round, 0);
    emit('embedding', null, round, 0);
  }
  if (s.status === 'completed') emit('synthesis', null, null, 0);
}

type R = ReturnType<typeof rngFrom>;

function shape(c: Call, r: R, round: number | null): void {
  c.cacheCreation = 0;
  c.cacheRead = 0;
  c.outputTokens = 0;
  c.provider = 'anthropic';
  c.operation = 'completion';
  switch (c.kind) {
    case 'decompose':
      set(c, SONNET, 'decompose', 'decomposition', r.int(1_500, 3_000), r.int(500, 1_500));
      break;
    case 'select':
      set(c, HAIKU, 'select_personas', 'selection', r.int(1_000, 2_500), r.int(100, 400));
      break;
    case 'research':
      c.provider = r.chance(0.6) ? 'brave' : 'tavily';
      c.model = c.provider === 'brave' ? 'web_search' : 'basic';
      c.operation = c.model;
      c.node = 'research';
      c.phase = 'context_collection';
      c.inputTokens = 0;
      break;
    case 'contribution':
      set(c, SONNET, 'persona_contribute', round === 1 ? 'exploration' : 'deliberation', r.int(2_000, 6_000), r.int(300, 900));
      // The persona system prompt is cached: written in round 1, read afterwards.
      if (round === 1) c.cacheCreation = r.int(800, 1_500);
      else if (r.chance(0.8)) c.cacheRead = r.int(800, 1_500);
      break;
    case 'summary':
      set(c, HAIKU, 'round_summary', 'deliberation', r.int(3_000, 8_000), r.int(200, 500));
      break;
    case 'embedding':
      c.provider = 'voyage';
      c.model = 'voyage-3';
      c.operation = 'embedding';
      c.node = 'convergence_check';
      c.phase = 'convergence';
      c.inputTokens = r.int(100, 1_500);
      break;
    case 'synthesis':
      set(c, SONNET, 'synthesize', 'synthesis', r.int(8_000, 20_000), r.int(1_500, 3_000));
      break;
  }
  c.latencyMs = c.provider === 'anthropic' ? r.int(800, 6_000 + c.outputTokens * 10) : r.int(80, 900);
}

function set(c: Call, model: string, node: string, phase: string, input: number, output: number): void {
  c.model = model;
  c.node = node;
  c.phase = phase;
  c.inputTokens = input;
  c.outputTokens = output;
}
