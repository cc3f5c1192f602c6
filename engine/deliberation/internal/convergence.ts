import { embedAll } from './embedder.js';
import { completeness, conflictScore, meanPairwise, novelty, type QualityMetrics } from './metrics.js';
import { SYSTEMS } from './prompts.js';
import type { SessionRun } from './run.js';

const WINDOW = 6;

/**
 * One convergence check (§4.7): with >= 3 contributions, a judge call (fast tier, 4096) runs
 * next to the embedding metrics: convergence (last 6), focus (problem + last 6), novelty (last 6,
 * once there are >= 6 contributions), deadlock (last 6 again). In `per_text` mode that is one
 * request per text, up to 25 per check; batched it is one or two requests.
 */
export async function checkConvergence(
  run: SessionRun,
  input: { goal: string; window: readonly string[]; newest: number; total: number; subProblemIndex: number; round: number },
): Promise<{ metrics: QualityMetrics; hasNovelty: boolean } | undefined> {
  if (input.total < 3) return undefined;
  const last = input.window.slice(-WINDOW);
  const hasNovelty = input.total >= WINDOW;
  const texts = [...last, input.goal, ...last, ...(hasNovelty ? last : []), ...last];
  const [judge, vectors] = await Promise.all([
    run.call(
      'judge',
      { system: SYSTEMS.judge, user: `${input.goal}\n${last.join('\n---\n')}`, maxTokens: 4096, temperature: 0 },
      { subProblemIndex: input.subProblemIndex, round: input.round },
    ),
    embedAll(run, texts, input.subProblemIndex, input.round),
  ]);
  const lastVs = vectors.slice(0, last.length);
  const goalV = vectors[last.length] as Float32Array;
  const convergence = meanPairwise(lastVs);
  const focusSum = lastVs.reduce((s, v) => s + dot(goalV, v), 0);
  const partial = {
    convergence,
    novelty: hasNovelty ? novelty(lastVs, Math.min(input.newest, last.length)) : 1,
    focus: lastVs.length === 0 ? 0 : focusSum / lastVs.length,
    conflict: conflictScore(last),
    // The judge's verdict drives exploration; the mock's text is arbitrary, so it is scored by length.
    exploration: Math.min(1, judge.usage.outputTokens / 1000),
    repetition: convergence,
  };
  return { metrics: { ...partial, completeness: completeness(partial) }, hasNovelty };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
