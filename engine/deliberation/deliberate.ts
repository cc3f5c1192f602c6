import { ENGINE_ERRORS, isLoadlabError, LoadlabError } from '../errors/index.js';
import { DELIBERATION_DEFAULTS, DELIBERATION_LIMIT_DEFAULTS, type DeliberationLimits, type DeliberationSettings } from './defaults.js';
import { DELIBERATION_ERRORS } from './errors.js';
import { SYSTEMS } from './internal/prompts.js';
import { SessionRun } from './internal/run.js';
import { dependencyBatches, expertCount, problemComplexity, subProblemCount } from './internal/shape.js';
import { runSubProblem } from './internal/subproblem.js';
import type { DeliberationPorts } from './ports.js';
import {
  initialState,
  STATE_VERSION,
  type DeliberationState,
  type SessionCounters,
  type SessionPlan,
  type SubProblem,
  type SubProblemOutcome,
} from './state.js';

export interface DeliberationInput {
  readonly sessionId: string;
  readonly userId: string;
  readonly problem: string;
  readonly context?: string;
  /** Aborting stops the session between steps and cancels in-flight LLM requests (kill, eviction). */
  readonly signal?: AbortSignal;
  /** The state of the session's last checkpoint: the run continues at the step after it. */
  readonly resumeFrom?: DeliberationState;
}

export interface DeliberationOptions {
  readonly settings?: Partial<DeliberationSettings>;
  readonly limits?: Partial<DeliberationLimits>;
  readonly variant?: 'audited' | 'optimized';
}

export interface DeliberationResult {
  readonly sessionId: string;
  readonly subProblems: readonly SubProblemOutcome[];
  readonly synthesis: string;
  readonly counters: Readonly<SessionCounters>;
  readonly costGuardTripped: boolean;
}

/**
 * A whole deliberation (§4.2-§4.9): decompose -> complexity -> identify gaps -> sub-problems
 * (sequential | parallel | dependency batches) -> meta-synthesis (+ option extraction) -> task
 * extraction. On failure it emits an `error` event with the stable code and rethrows.
 */
export async function runDeliberation(
  ports: DeliberationPorts,
  input: DeliberationInput,
  options: DeliberationOptions = {},
): Promise<DeliberationResult> {
  const settings = { ...DELIBERATION_DEFAULTS, ...options.settings };
  const limits = { ...DELIBERATION_LIMIT_DEFAULTS, ...options.limits };
  const batched = settings.embeddingMode === 'auto' ? options.variant !== 'audited' : settings.embeddingMode === 'batched';
  if (input.resumeFrom !== undefined && input.resumeFrom.version !== STATE_VERSION) {
    throw new LoadlabError(
      DELIBERATION_ERRORS.STATE_VERSION,
      `checkpoint of session ${input.sessionId} has state version ${String(input.resumeFrom.version)}, this engine reads ${STATE_VERSION}`,
    );
  }
  // A copy: the caller's checkpoint stays as it was read.
  const state = input.resumeFrom === undefined ? initialState() : structuredClone(input.resumeFrom);
  const run = new SessionRun(ports, settings, limits, input.sessionId, input.userId, batched, input.signal, state);
  try {
    return await deliberate(run, input);
  } catch (err) {
    const aborted = isLoadlabError(err) && err.code === DELIBERATION_ERRORS.ABORTED;
    if (!aborted) {
      const code = isLoadlabError(err) ? err.code : ENGINE_ERRORS.INTERNAL;
      await run.emit('error', { code, message: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    }
    throw err;
  }
}

/** Steps: decompose, identify_gaps, the sub-problems' own steps, meta_synthesis, complete; each skipped when a resumed state has it. */
async function deliberate(run: SessionRun, input: DeliberationInput): Promise<DeliberationResult> {
  const s = run.settings;
  const st = run.state;
  const plan = st.plan ?? (await decompose(run, input));
  if (!st.gapsDone) {
    await run.call(
      'gaps',
      { system: SYSTEMS.gaps, user: `${input.problem}\n${input.context ?? ''}`, maxTokens: 4096, temperature: 0 },
      { phase: 'identify_gaps' },
    );
    await run.emit('working_status', { step: 'identify_gaps', status: 'complete' });
    st.gapsDone = true;
    await run.stepDone('identify_gaps', ['session']);
  }

  const outcomes = await runAll(run, plan.subProblems, plan.personaCount);

  let synthesis = outcomes[0]?.synthesis ?? '';
  if (outcomes.length > 1) {
    if (!st.metaDone) {
      const meta = await run.call(
        'meta_synthesis',
        {
          system: SYSTEMS.meta,
          user: outcomes.map((o) => `Sub-problem ${o.index + 1}: ${o.synthesis}`).join('\n'),
          maxTokens: 4000,
          temperature: 0.3,
          cacheSystem: true,
        },
        { phase: 'meta_synthesis' },
      );
      if (s.optionExtraction)
        await run.call(
          'option_extraction',
          { system: SYSTEMS.options, user: meta.text, maxTokens: 4096, temperature: 0 },
          { phase: 'meta_synthesis' },
        );
      await run.emit('meta_synthesis_complete', { synthesis: meta.text, sub_problems: outcomes.length });
      st.metaSynthesis = meta.text.slice(0, 2_000);
      st.metaDone = true;
      await run.stepDone('meta_synthesis', ['session']);
    }
    synthesis = st.metaSynthesis ?? '';
  }
  if (!st.completed) {
    // bo1 ran task extraction in a daemon thread after completion (§4.9); here it is the last step.
    if (s.taskExtraction)
      await run.call('task_extraction', { system: SYSTEMS.tasks, user: synthesis, maxTokens: 6000, temperature: 0 }, { phase: 'complete' });
    await run.progressDone();
    await run.emit('complete', {
      sub_problems: outcomes.length,
      rounds: outcomes.map((o) => o.rounds),
      stop_reasons: outcomes.map((o) => o.stopReason),
      llm_calls: run.counters.llmCalls,
      embedding_requests: run.counters.embeddingRequests,
      cost: run.counters.costUsd,
    });
    st.tasksDone = s.taskExtraction;
    st.completed = true;
    await run.stepDone('complete', ['session']);
  }
  return {
    sessionId: run.sessionId,
    subProblems: outcomes,
    synthesis: synthesis.slice(0, 2_000),
    counters: { ...run.counters },
    costGuardTripped: run.costGuardTripped,
  };
}

/** §4.2 decompose + complexity: the plan every later step follows. */
async function decompose(run: SessionRun, input: DeliberationInput): Promise<SessionPlan> {
  const s = run.settings;
  const complexity = problemComplexity(input.problem);
  const decomposition = await run.call(
    'decomposer',
    { system: SYSTEMS.decomposer, user: input.problem, maxTokens: 4096, temperature: 0 },
    { phase: 'decomposition' },
  );
  const count = Math.min(
    run.limits.maxSubProblems,
    s.subProblems > 0 ? s.subProblems : subProblemCount(complexity, run.limits.maxSubProblems),
  );
  await run.call(
    'complexity_assessment',
    { system: SYSTEMS.complexity, user: input.problem, maxTokens: 500, temperature: 0 },
    { phase: 'decomposition' },
  );
  const personaCount =
    s.personasPerSubProblem > 0 ? s.personasPerSubProblem : expertCount(complexity, run.limits.minExperts, run.limits.maxExperts);
  const subProblems = goals(decomposition.text, count).map((goal, index): SubProblem => ({ index, goal }));
  await run.emit('decomposition_complete', {
    sub_problems: subProblems.map((sp) => ({ index: sp.index, goal: sp.goal })),
    complexity,
    recommended_experts: personaCount,
  });
  await run.ports.progress.update(run.sessionId, { phase: 'decomposition', totalCostUsd: run.counters.costUsd, expertCount: personaCount });
  const plan: SessionPlan = { complexity, personaCount, subProblems };
  run.state.plan = plan;
  await run.stepDone('decompose', ['session']);
  return plan;
}

const isDone = (run: SessionRun, index: number): boolean => run.state.subProblems[String(index)]?.stage === 'done';

/** §4.3 sub-problem execution modes; a failed sub-problem fails the session after its batch settles. */
async function runAll(run: SessionRun, sps: readonly SubProblem[], personaCount: number): Promise<SubProblemOutcome[]> {
  const mode = run.settings.subProblemMode;
  if (mode === 'sequential' || sps.length === 1) {
    const out: SubProblemOutcome[] = [];
    for (const sp of sps) out.push(await runSubProblem(run, sp, personaCount));
    return out;
  }
  const batches = mode === 'parallel' ? [sps.map((sp) => sp.index)] : dependencyBatches(sps.map((sp) => sp.goal));
  const out: SubProblemOutcome[] = [];
  for (const [i, batch] of batches.entries()) {
    // A batch finished before a resume is not announced again; its outcomes come from the state.
    const resumedDone = batch.every((k) => isDone(run, k));
    if (mode === 'batches' && !resumedDone) await run.emit('batch_started', { batch: i, sub_problems: batch });
    const settled = await Promise.allSettled(batch.map((k) => runSubProblem(run, sps[k] as SubProblem, personaCount)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      const reason: unknown = failed.reason;
      if (isLoadlabError(reason)) throw reason;
      throw new LoadlabError(
        DELIBERATION_ERRORS.SUBPROBLEM_FAILED,
        `a sub-problem failed: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: reason },
      );
    }
    for (const r of settled) if (r.status === 'fulfilled') out.push(r.value);
    if (mode === 'batches' && !resumedDone) await run.emit('batch_complete', { batch: i });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Sub-problem goals from the decomposer's prose: its first sentences, one per sub-problem. */
function goals(text: string, count: number): string[] {
  const sentences = text
    .split('.')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  return Array.from({ length: count }, (_, i) => `${i + 1}. ${sentences[i] ?? `aspect ${i + 1} of the problem`}`);
}
