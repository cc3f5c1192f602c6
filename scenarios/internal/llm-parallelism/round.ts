import { PERSONAS } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';

export type RoundMode = 'parallel' | 'serial';

const ROUND_PROMPT = 'Sub-problem: choose the go-to-market channel for Germany. Give your position in under 150 words.';

/**
 * One deliberation round of `personas` persona calls through the real client (SDK over the msw
 * mock), as the engine issues them: all gathered (`parallel`, rounds.py's asyncio.gather), or
 * awaited one after another (`serial`, the counterfactual the audit compares against).
 * Returns the wall time in mock-clock milliseconds.
 */
export async function timeRound(llm: LlmClient, personas: number, mode: RoundMode, tag: string): Promise<number> {
  const speakers = PERSONAS.slice(0, personas);
  const call = (i: number) =>
    llm.complete({
      role: 'persona',
      system: `${speakers[i]?.systemPrompt ?? ''}\nPhase: exploration.`,
      user: `${ROUND_PROMPT}\n(${tag})`,
      prefill: '<thinking>',
      maxTokens: 1000,
      temperature: 0.7,
      cacheSystem: true,
      context: { sessionId: `round-${tag}`, persona: speakers[i]?.code ?? String(i), round: 1, phase: 'exploration' },
    });
  const t0 = performance.now();
  if (mode === 'parallel') {
    await Promise.all(speakers.map((_, i) => call(i)));
  } else {
    for (let i = 0; i < speakers.length; i++) await call(i);
  }
  return performance.now() - t0;
}
