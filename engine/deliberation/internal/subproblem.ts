import { PERSONA_BY_CODE, PERSONAS, type Persona } from '../personas.js';
import type { Contribution, SubProblem, SubProblemOutcome, SubProblemState } from '../state.js';
import { checkConvergence } from './convergence.js';
import { hash32 } from './hash.js';
import type { QualityMetrics } from './metrics.js';
import { personaSystem, personaUser, SYSTEMS } from './prompts.js';
import type { SessionRun } from './run.js';
import { adaptiveMaxRounds, expertsForPhase, phaseOf, subProblemComplexity } from './shape.js';
import { stopReason, type StopReason } from './stopping.js';

export type { SubProblem, SubProblemOutcome } from '../state.js';

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
 * synthesis -> expert summaries. Each of those is a step with a checkpoint; given the state of a
 * resumed session it continues after the last completed step.
 */
export async function runSubProblem(run: SessionRun, sp: SubProblem, personaCount: number): Promise<SubProblemOutcome> {
  let st = run.state.subProblems[String(sp.index)] ?? (await selectStep(run, sp, personaCount));
  const personas = st.personas.map((code) => PERSONA_BY_CODE.get(code) ?? fallbackPersona(code));
  while (st.stage === 'selected' || (st.stage === 'rounds' && st.reason === undefined)) st = await roundStep(run, st, personas);
  if (st.stage === 'rounds') st = await voteStep(run, st, personas);
  if (st.stage === 'voted') st = await synthesisStep(run, st);
  if (st.stage === 'synthesized') st = await completeStep(run, st, personas);
  return st.outcome as SubProblemOutcome;
}

/** Publishes a sub-problem's state at the end of its step, then checkpoints. */
async function commit(run: SessionRun, st: SubProblemState, name: string): Promise<SubProblemState> {
  run.state.subProblems[String(st.index)] = st;
  await run.stepDone(`sp${st.index}.${name}`, [`sp:${st.index}`, 'session']);
  return st;
}

async function selectStep(run: SessionRun, sp: SubProblem, personaCount: number): Promise<SubProblemState> {
  const s = run.settings;
  const costBefore = run.counters.costUsd;
  const maxRounds = s.subProblemMaxRounds > 0 ? s.subProblemMaxRounds : adaptiveMaxRounds(subProblemComplexity(sp.goal));
  await run.emit('subproblem_started', { sub_problem_index: sp.index, goal: sp.goal, max_rounds: maxRounds });
  const personas = await selectPersonas(run, sp, personaCount);
  for (const p of personas) {
    await run.emit('persona_selected', { sub_problem_index: sp.index, persona_code: p.code, persona_name: p.name, expertise: p.expertise });
  }
  return commit(
    run,
    {
      index: sp.index,
      goal: sp.goal,
      maxRounds,
      costBefore,
      stage: 'selected',
      personas: personas.map((p) => p.code),
      contributions: [],
      summaries: [],
      total: 0,
      stalled: 0,
      round: 0,
    },
    'select_personas',
  );
}

/**
 * The selector call, or with the persona cache wired (§8.1, off as audited) first one embedding of
 * the goal (bo1's single-text Voyage path) and a lookup: a similar goal's selection replaces the
 * selector call; a miss calls the selector and stores its pick with the embedding.
 */
async function selectPersonas(run: SessionRun, sp: SubProblem, personaCount: number): Promise<Persona[]> {
  const cache = run.ports.personaCache;
  let embedding: number[] | undefined;
  if (cache !== undefined) {
    run.checkAborted();
    run.counters.embeddingRequests++;
    const r = await run.ports.llm.embed([sp.goal], {
      sessionId: run.sessionId,
      userId: run.userId,
      node: 'select_personas',
      subProblemIndex: sp.index,
    });
    embedding = Array.from(r.vectors[0] ?? []);
    const cached = (await cache.find(embedding))?.slice(0, personaCount).map((code) => PERSONA_BY_CODE.get(code));
    // A selection smaller than needed, or naming a persona this catalogue lacks, counts as a miss.
    if (cached !== undefined && cached.length === personaCount && cached.every((p): p is Persona => p !== undefined)) return cached;
  }
  await run.call(
    'selector',
    { system: SYSTEMS.selector, user: `${sp.goal}\nChoose ${personaCount} advisers.`, maxTokens: 1500, temperature: 0 },
    { subProblemIndex: sp.index },
  );
  const personas = pickPersonas(sp.goal, personaCount);
  if (cache !== undefined && embedding !== undefined)
    await cache.store(
      sp.goal,
      embedding,
      personas.map((p) => p.code),
    );
  return personas;
}

async function roundStep(run: SessionRun, st: SubProblemState, personas: readonly Persona[]): Promise<SubProblemState> {
  const s = run.settings;
  const at = { subProblemIndex: st.index };
  const round = st.round + 1;
  const phase = phaseOf(round, st.maxRounds);
  const speakers = personas.slice(0, expertsForPhase(phase, personas.length));
  await run.emit('round_started', { sub_problem_index: st.index, round, phase, experts: speakers.map((p) => p.code) });
  const memory = {
    goal: st.goal,
    context: `round ${round} of at most ${st.maxRounds - 1}`,
    recent: st.contributions.slice(-s.promptContributions).map((c) => ({ persona: c.name, content: c.content })),
    summaries: st.summaries.slice(-s.promptSummaries),
  };
  const user = personaUser(memory, s.promptContributionChars);
  const made = await Promise.all(
    speakers.map(async (p): Promise<Contribution> => {
      const res = await run.call(
        'persona',
        { system: personaSystem(p, phase), user, prefill: '<thinking>', maxTokens: 1000, temperature: 0.7, cacheSystem: true },
        { ...at, round, phase, persona: p.code },
      );
      const tokens = res.usage.inputTokens + res.usage.outputTokens;
      // Written before its event (§4.4), one write per contribution.
      await run.ports.contributions.save({
        sessionId: run.sessionId,
        userId: run.userId,
        personaCode: p.code,
        content: res.text,
        round,
        phase,
        costUsd: res.costUsd,
        tokens,
        model: res.model,
        subProblemIndex: st.index,
      });
      run.counters.contributions++;
      await run.emit('contribution', {
        sub_problem_index: st.index,
        round,
        phase,
        persona_code: p.code,
        persona_name: p.name,
        content: res.text,
        tokens,
        cost: res.costUsd,
        model: res.model,
      });
      return { persona: p.code, name: p.name, content: res.text, round };
    }),
  );
  const contributions = [...st.contributions, ...made];
  const total = st.total + made.length;

  const summary = await run.call(
    'summarizer',
    { system: SYSTEMS.summarizer, user: made.map((c) => `[${c.name}] ${c.content}`).join('\n'), maxTokens: 500, temperature: 0 },
    { ...at, round },
  );
  const summaries = [...st.summaries, summary.text];

  let stalled = st.stalled;
  let reason: StopReason | undefined;
  let metrics: QualityMetrics | undefined;
  if (run.costGuardTripped) {
    reason = 'cost_budget_exceeded';
  } else {
    const checked = await checkConvergence(run, {
      goal: st.goal,
      window: contributions.map((c) => c.content),
      newest: made.length,
      total,
      subProblemIndex: st.index,
      round,
    });
    metrics = checked?.metrics;
    if (metrics !== undefined) stalled = metrics.conflict > s.stalledConflict && metrics.novelty < s.stalledNoveltyMax ? stalled + 1 : 0;
    reason =
      metrics === undefined
        ? round + 1 >= Math.min(st.maxRounds, run.limits.maxRounds)
          ? 'max_rounds'
          : undefined
        : stopReason(
            {
              nextRound: round + 1,
              maxRounds: st.maxRounds,
              hardCap: run.limits.maxRounds,
              metrics,
              hasNovelty: checked?.hasNovelty ?? false,
              stalledRounds: stalled,
              speakersRecentShare: speakers.length / personas.length,
            },
            s,
          );
  }
  await run.emit('convergence', {
    sub_problem_index: st.index,
    round,
    should_stop: reason !== undefined,
    stop_reason: reason ?? null,
    ...(metrics === undefined ? {} : { metrics }),
  });
  await run.ports.progress.update(run.sessionId, {
    phase,
    round,
    totalCostUsd: run.counters.costUsd,
    contributionCount: run.counters.contributions,
  });
  return commit(
    run,
    {
      ...st,
      stage: 'rounds',
      round,
      total,
      stalled,
      summaries,
      contributions: s.pruning ? prune(contributions, round, s.pruningMinKept) : contributions,
      ...(reason === undefined ? {} : { reason }),
    },
    `round${round}`,
  );
}

const voteUserOf = (run: SessionRun, st: SubProblemState): string =>
  `${st.goal}\nDiscussion summaries:\n${st.summaries.slice(-run.settings.promptSummaries).join('\n')}`;

/** §4.9 vote: the first persona alone (creates the prompt cache), then the rest gathered. */
async function voteStep(run: SessionRun, st: SubProblemState, personas: readonly Persona[]): Promise<SubProblemState> {
  const voteUser = voteUserOf(run, st);
  const vote = (p: Persona) =>
    run.call(
      'voting',
      { system: `${p.systemPrompt}\n${SYSTEMS.voting}`, user: voteUser, maxTokens: 2000, temperature: 0.3, cacheSystem: true },
      { subProblemIndex: st.index, persona: p.code, phase: 'voting' },
    );
  const [first, ...rest] = personas;
  const votes = first === undefined ? [] : [await vote(first), ...(await Promise.all(rest.map(vote)))];
  await run.emit('voting_complete', {
    sub_problem_index: st.index,
    votes: votes.map((v, i) => ({ persona_code: personas[i]?.code, recommendation: v.text.slice(0, 200) })),
  });
  return commit(run, { ...st, stage: 'voted', votes: votes.map((v) => v.text.slice(0, 300)) }, 'vote');
}

async function synthesisStep(run: SessionRun, st: SubProblemState): Promise<SubProblemState> {
  const synthesis = await run.call(
    'synthesis',
    {
      system: SYSTEMS.synthesis,
      user: `${voteUserOf(run, st)}\nVotes:\n${(st.votes ?? []).join('\n')}`,
      prefill: '<synthesis_report>\n<executive_summary>',
      maxTokens: 2000,
      temperature: 0.3,
      cacheSystem: true,
    },
    { subProblemIndex: st.index, phase: 'synthesis' },
  );
  await run.emit('synthesis_complete', { sub_problem_index: st.index, synthesis: synthesis.text, stop_reason: st.reason });
  return commit(run, { ...st, stage: 'synthesized', synthesis: synthesis.text.slice(0, KEEP_SYNTHESIS_CHARS) }, 'synthesis');
}

async function completeStep(run: SessionRun, st: SubProblemState, personas: readonly Persona[]): Promise<SubProblemState> {
  const at = { subProblemIndex: st.index };
  const memories = await Promise.all(
    personas.map((p) =>
      run.call(
        'expert_summary',
        {
          system: SYSTEMS.expertSummary,
          user: `${p.name}: ${st.contributions
            .filter((c) => c.persona === p.code)
            .map((c) => c.content.slice(0, 300))
            .join(' ')}`,
          maxTokens: 75,
          temperature: 0,
        },
        { ...at, persona: p.code },
      ),
    ),
  );
  await run.emit('expert_summaries', {
    sub_problem_index: st.index,
    summaries: memories.map((m, i) => ({ persona_code: personas[i]?.code, summary: m.text })),
  });
  const outcome: SubProblemOutcome = {
    index: st.index,
    rounds: st.round,
    stopReason: st.reason ?? 'max_rounds',
    personas: st.personas,
    synthesis: st.synthesis ?? '',
    costUsd: run.counters.costUsd - st.costBefore,
  };
  await run.emit('subproblem_complete', {
    sub_problem_index: st.index,
    rounds: st.round,
    stop_reason: outcome.stopReason,
    cost: outcome.costUsd,
  });
  // The finished sub-problem keeps only its outcome: its contributions are not needed any more.
  return commit(run, { ...st, stage: 'done', contributions: [], summaries: [], outcome }, 'complete');
}

/** A persona code from a checkpoint of another catalogue: answered by a neutral adviser, not a crash. */
function fallbackPersona(code: string): Persona {
  return { ...(PERSONAS[0] as Persona), code };
}

/**
 * §4.8 pruning: keep contributions of the last 2 rounds, but at least `minKept` (bo1: 6; round
 * summaries exist for every pruned round, which is bo1's precondition).
 */
export function prune<T extends { round: number }>(list: T[], currentRound: number, minKept: number): T[] {
  const recent = list.filter((c) => c.round > currentRound - 2);
  return recent.length >= minKept ? recent : list.slice(-minKept);
}
