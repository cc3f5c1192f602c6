import { PERSONAS, type Persona } from '../personas.js';
import { checkConvergence } from './convergence.js';
import { hash32 } from './hash.js';
import type { QualityMetrics } from './metrics.js';
import { personaSystem, personaUser, SYSTEMS } from './prompts.js';
import type { SessionRun } from './run.js';
import { adaptiveMaxRounds, expertsForPhase, phaseOf, subProblemComplexity } from './shape.js';
import { stopReason, type StopReason } from './stopping.js';

export interface SubProblem {
  readonly index: number;
  readonly goal: string;
}

export interface SubProblemOutcome {
  readonly index: number;
  readonly rounds: number;
  readonly stopReason: StopReason;
  readonly personas: readonly string[];
  /** Head of the synthesis: enough for the meta-synthesis prompt, small enough to keep. */
  readonly synthesis: string;
  readonly costUsd: number;
}

interface Contribution {
  readonly persona: string;
  readonly name: string;
  readonly content: string;
  readonly round: number;
}

const KEEP_SYNTHESIS_CHARS = 800;

/** Stable choice of `count` personas for a goal (the selector call's answer is prose). */
export function pickPersonas(goal: string, count: number): Persona[] {
  const n = PERSONAS.length;
  const start = hash32(goal) % n;
  const stride = [7, 11, 13, 17, 19][hash32(`${goal}#`) % 5] as number; // coprime with 45 keeps picks distinct
  return Array.from({ length: Math.min(count, n) }, (_, i) => PERSONAS[(start + i * stride) % n] as Persona);
}

/**
 * One sub-problem through the subgraph of §4.4: select personas -> rounds (all persona calls of a
 * round in parallel, then a summary, then a convergence check and the stopping rules) -> vote ->
 * synthesis -> expert summaries.
 */
export async function runSubProblem(run: SessionRun, sp: SubProblem, personaCount: number): Promise<SubProblemOutcome> {
  const s = run.settings;
  const at = { subProblemIndex: sp.index };
  const costBefore = run.counters.costUsd;
  const maxRounds = s.subProblemMaxRounds > 0 ? s.subProblemMaxRounds : adaptiveMaxRounds(subProblemComplexity(sp.goal));
  await run.emit('subproblem_started', { sub_problem_index: sp.index, goal: sp.goal, max_rounds: maxRounds });

  await run.call('selector', { system: SYSTEMS.selector, user: `${sp.goal}\nChoose ${personaCount} advisers.`, maxTokens: 1500, temperature: 0 }, at);
  const personas = pickPersonas(sp.goal, personaCount);
  for (const p of personas) {
    await run.emit('persona_selected', { sub_problem_index: sp.index, persona_code: p.code, persona_name: p.name, expertise: p.expertise });
  }

  let contributions: Contribution[] = [];
  const summaries: string[] = [];
  let total = 0;
  let stalled = 0;
  let reason: StopReason | undefined;
  let round = 0;
  while (reason === undefined) {
    round++;
    const phase = phaseOf(round, maxRounds);
    const speakers = personas.slice(0, expertsForPhase(phase, personas.length));
    await run.emit('round_started', { sub_problem_index: sp.index, round, phase, experts: speakers.map((p) => p.code) });
    const memory = {
      goal: sp.goal,
      context: `round ${round} of at most ${maxRounds - 1}`,
      recent: contributions.slice(-s.promptContributions).map((c) => ({ persona: c.name, content: c.content })),
      summaries: summaries.slice(-s.promptSummaries),
    };
    const user = personaUser(memory, s.promptContributionChars);
    const made = await Promise.all(speakers.map(async (p): Promise<Contribution> => {
      const res = await run.call('persona', { system: personaSystem(p, phase), user, prefill: '<thinking>', maxTokens: 1000, temperature: 0.7, cacheSystem: true }, { ...at, round, phase, persona: p.code });
      const tokens = res.usage.inputTokens + res.usage.outputTokens;
      // Written before its event (§4.4), one write per contribution.
      await run.ports.contributions.save({ sessionId: run.sessionId, userId: run.userId, personaCode: p.code, content: res.text, round, phase, costUsd: res.costUsd, tokens, model: res.model, subProblemIndex: sp.index });
      run.counters.contributions++;
      await run.emit('contribution', { sub_problem_index: sp.index, round, phase, persona_code: p.code, persona_name: p.name, content: res.text, tokens, cost: res.costUsd, model: res.model });
      return { persona: p.code, name: p.name, content: res.text, round };
    }));
    contributions.push(...made);
    total += made.length;

    const summary = await run.call('summarizer', { system: SYSTEMS.summarizer, user: made.map((c) => `[${c.name}] ${c.content}`).join('\n'), maxTokens: 500, temperature: 0 }, { ...at, round });
    summaries.push(summary.text);

    let metrics: QualityMetrics | undefined;
    if (run.costGuardTripped) {
      reason = 'cost_budget_exceeded';
    } else {
      const checked = await checkConvergence(run, { goal: sp.goal, window: contributions.map((c) => c.content), newest: made.length, total, subProblemIndex: sp.index, round });
      metrics = checked?.metrics;
      if (metrics !== undefined) stalled = metrics.conflict > s.stalledConflict && metrics.novelty < s.stalledNoveltyMax ? stalled + 1 : 0;
      reason = metrics === undefined
        ? (round + 1 >= Math.min(maxRounds, run.limits.maxRounds) ? 'max_rounds' : undefined)
        : stopReason({ nextRound: round + 1, maxRounds, hardCap: run.limits.maxRounds, metrics, hasNovelty: checked?.hasNovelty ?? false, stalledRounds: stalled, speakersRecentShare: speakers.length / personas.length }, s);
    }
    await run.emit('convergence', { sub_problem_index: sp.index, round, should_stop: reason !== undefined, stop_reason: reason ?? null, ...(metrics === undefined ? {} : { metrics }) });
    await run.ports.progress.update(run.sessionId, { phase, round, totalCostUsd: run.counters.costUsd, contributionCount: run.counters.contributions });
    if (s.pruning) contributions = prune(contributions, round);
  }

  // §4.9 vote: the first persona alone (creates the prompt cache), then the rest gathered.
  const voteUser = `${sp.goal}\nDiscussion summaries:\n${summaries.slice(-s.promptSummaries).join('\n')}`;
  const vote = (p: Persona) => run.call('voting', { system: `${p.systemPrompt}\n${SYSTEMS.voting}`, user: voteUser, maxTokens: 2000, temperature: 0.3, cacheSystem: true }, { ...at, persona: p.code, phase: 'voting' });
  const [first, ...rest] = personas;
  const votes = first === undefined ? [] : [await vote(first), ...(await Promise.all(rest.map(vote)))];
  await run.emit('voting_complete', { sub_problem_index: sp.index, votes: votes.map((v, i) => ({ persona_code: personas[i]?.code, recommendation: v.text.slice(0, 200) })) });

  const synthesis = await run.call('synthesis', { system: SYSTEMS.synthesis, user: `${voteUser}\nVotes:\n${votes.map((v) => v.text.slice(0, 300)).join('\n')}`, prefill: '<synthesis_report>\n<executive_summary>', maxTokens: 2000, temperature: 0.3, cacheSystem: true }, { ...at, phase: 'synthesis' });
  await run.emit('synthesis_complete', { sub_problem_index: sp.index, synthesis: synthesis.text, stop_reason: reason });

  const memories = await Promise.all(personas.map((p) => run.call('expert_summary', { system: SYSTEMS.expertSummary, user: `${p.name}: ${contributions.filter((c) => c.persona === p.code).map((c) => c.content.slice(0, 300)).join(' ')}`, maxTokens: 75, temperature: 0 }, { ...at, persona: p.code })));
  await run.emit('expert_summaries', { sub_problem_index: sp.index, summaries: memories.map((m, i) => ({ persona_code: personas[i]?.code, summary: m.text })) });

  const outcome: SubProblemOutcome = {
    index: sp.index, rounds: round, stopReason: reason, personas: personas.map((p) => p.code),
    synthesis: synthesis.text.slice(0, KEEP_SYNTHESIS_CHARS), costUsd: run.counters.costUsd - costBefore,
  };
  await run.emit('subproblem_complete', { sub_problem_index: sp.index, rounds: round, stop_reason: reason, cost: outcome.costUsd });
  return outcome;
}

/**
 * §4.8 pruning: keep contributions of the last 2 rounds, but at least 6 (round summaries exist
 * for every pruned round, which is bo1's precondition).
 */
export function prune<T extends { round: number }>(list: T[], currentRound: number): T[] {
  const recent = list.filter((c) => c.round > currentRound - 2);
  return recent.length >= 6 ? recent : list.slice(-6);
}
