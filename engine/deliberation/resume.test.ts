import { describe, expect, it } from 'vitest';
import { priceCallInState } from '../costs/index.js';
import { createLlmClient, createMockFetch, createMockLlm, MODEL_SETS, resolveMockProfile, type LlmAttempt } from '../llm/index.js';
import { runDeliberation } from './deliberate.js';
import { createMemoryPorts } from './memory-ports.js';

function harness() {
  const attempts: LlmAttempt[] = [];
  const llm = createLlmClient({
    fetch: createMockFetch(createMockLlm(resolveMockProfile('instant')).handlers),
    apiKey: 'k',
    models: MODEL_SETS.current,
    costSink: { record: (a) => attempts.push(a) },
    price: (model, u) => priceCallInState({ provider: 'anthropic', model, ...u }),
  });
  return { attempts, ports: createMemoryPorts(llm) };
}

const PROBLEM = 'Should we expand our subscription product into Germany next year, given churn and a tight budget?';
const SETTINGS = { subProblems: 2, personasPerSubProblem: 3, subProblemMaxRounds: 4, subProblemMode: 'sequential' as const };
const input = { sessionId: 's1', userId: 'u1', problem: PROBLEM };

describe('deliberation steps and resume', () => {
  it('checkpoints after every step, numbered 1..n, the last one `complete`', async () => {
    const h = harness();
    await runDeliberation(h.ports, input, { settings: SETTINGS });
    const steps = h.ports.checkpointed.map((c) => c.step);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    // decompose, gaps, 2 x (select, 3 rounds, vote, synthesis, complete), meta, complete
    expect(h.ports.checkpointed.map((c) => c.lastStep)).toEqual([
      'decompose',
      'identify_gaps',
      'sp0.select_personas',
      'sp0.round1',
      'sp0.round2',
      'sp0.round3',
      'sp0.vote',
      'sp0.synthesis',
      'sp0.complete',
      'sp1.select_personas',
      'sp1.round1',
      'sp1.round2',
      'sp1.round3',
      'sp1.vote',
      'sp1.synthesis',
      'sp1.complete',
      'meta_synthesis',
      'complete',
    ]);
  });

  it('a resume from any step emits exactly the events and calls of the steps after it', async () => {
    const whole = harness();
    const full = await runDeliberation(whole.ports, input, { settings: SETTINGS });
    const all = whole.ports.checkpointed;
    for (const at of [1, 4, 8, 14, all.length - 1]) {
      const cp = all[at - 1];
      if (cp === undefined) throw new Error(`no checkpoint ${at}`);
      // The uninterrupted run's events after step `at`: what the resumed run must emit, no more.
      const eventsBefore = cp.counters.events;
      const callsBefore = cp.counters.llmCalls;
      const h = harness();
      const resumed = await runDeliberation(h.ports, { ...input, resumeFrom: cp }, { settings: SETTINGS });
      expect(
        h.ports.emitted.map((e) => e.type),
        `resume after step ${at}`,
      ).toEqual(whole.ports.emitted.slice(eventsBefore).map((e) => e.type));
      expect(h.attempts.filter((a) => a.provider === 'anthropic')).toHaveLength(
        whole.attempts.filter((a) => a.provider === 'anthropic').length - callsBefore,
      );
      expect(resumed.subProblems.map((s) => [s.rounds, s.stopReason])).toEqual(full.subProblems.map((s) => [s.rounds, s.stopReason]));
      expect(resumed.counters.llmCalls).toBe(full.counters.llmCalls);
      expect(h.ports.checkpointed[0]?.step).toBe(at + 1);
    }
  });

  it('a completed state resumes to its result without a call or an event', async () => {
    const whole = harness();
    await runDeliberation(whole.ports, input, { settings: SETTINGS });
    const last = whole.ports.checkpointed.at(-1);
    const h = harness();
    await runDeliberation(h.ports, { ...input, ...(last === undefined ? {} : { resumeFrom: last }) }, { settings: SETTINGS });
    expect(h.ports.emitted).toEqual([]);
    expect(h.attempts).toEqual([]);
  });

  it('refuses a state of another version with a stable code', async () => {
    const h = harness();
    const bad = { ...structuredClone(h.ports.checkpointed[0] ?? { version: 1 }), version: 2 } as never;
    await expect(runDeliberation(h.ports, { ...input, resumeFrom: bad }, { settings: SETTINGS })).rejects.toMatchObject({
      code: 'LL_DELIBERATION_STATE_VERSION',
    });
  });
});
