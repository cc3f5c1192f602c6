import { createMemoryPorts, runDeliberation, type DeliberationPorts } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { variantOf } from '../llm-mock/index.js';

/** What the engine's sub-problem state holds per contribution: persona code and name, text, round. */
interface StateContribution {
  persona: string;
  name: string;
  content: string;
  round: number;
}

export interface RetainedContributions {
  emitted: number;
  emittedBytes: number;
  retained: number;
  retainedBytes: number;
}

// The engine's expert-summary prompt quotes each retained contribution's first 300 characters.
const QUOTED_CHARS = 300;

const bytesOf = (c: StateContribution): number => Buffer.byteLength(JSON.stringify(c), 'utf8');

/**
 * Which contributions the engine still held in its sub-problem state at the end of each
 * sub-problem, read from the wire: after the last round (and its pruning) the engine asks for one
 * summary per persona quoting that persona's contributions from the state list. A contribution is
 * retained when its opening is quoted there. Bytes are the JSON size of the state objects.
 */
export async function measureRetained(
  llm: LlmClient,
  input: { sessionId: string; problem: number; subProblems: number; pruning: boolean },
): Promise<RetainedContributions> {
  const made = new Map<string, StateContribution[]>();
  const quoted = new Map<string, string>();
  const base = createMemoryPorts(llm, { keep: false });
  const ports: DeliberationPorts = {
    ...base,
    llm: {
      complete: (req) => {
        if (req.role === 'expert_summary') quoted.set(`${req.context.subProblemIndex ?? -1}:${req.context.persona ?? ''}`, req.user);
        return llm.complete(req);
      },
      embed: (texts, context) => llm.embed(texts, context),
    },
    events: {
      emit: async (_id, type, data) => {
        if (type !== 'contribution') return;
        const key = `${String(data['sub_problem_index'])}:${String(data['persona_code'])}`;
        const c: StateContribution = {
          persona: String(data['persona_code']),
          name: String(data['persona_name']),
          content: String(data['content']),
          round: Number(data['round']),
        };
        made.set(key, [...(made.get(key) ?? []), c]);
      },
    },
  };
  await runDeliberation(
    ports,
    { sessionId: input.sessionId, userId: 'loadlab', problem: variantOf(input.problem) },
    {
      settings: { subProblems: input.subProblems, pruning: input.pruning },
      limits: { maxSubProblems: Math.max(4, input.subProblems) },
    },
  );
  const out: RetainedContributions = { emitted: 0, emittedBytes: 0, retained: 0, retainedBytes: 0 };
  for (const [key, list] of made) {
    const prompt = quoted.get(key) ?? '';
    for (const c of list) {
      out.emitted++;
      out.emittedBytes += bytesOf(c);
      if (prompt.includes(c.content.slice(0, QUOTED_CHARS))) {
        out.retained++;
        out.retainedBytes += bytesOf(c);
      }
    }
  }
  return out;
}
