import { createMemoryPorts, runDeliberation, type DeliberationPorts } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { variantOf } from '../llm-mock/index.js';
import { keepLastRoundLists, type ContributionList } from './contribution-heap.js';

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
  /** Sub-problems the session ran, and their executed rounds summed (the engine's own outcome). */
  subProblems: number;
  rounds: number;
  /** Personas selected, summed over sub-problems. */
  personas: number;
  /**
   * The most contribution bytes the session's state held at one step boundary, summed over its
   * sub-problems: what is alive at once, since a finished sub-problem drops its list.
   */
  peakBytes: number;
}

// The engine's expert-summary prompt quotes each retained contribution's first 300 characters.
const QUOTED_CHARS = 300;

const bytesOf = (c: StateContribution): number => Buffer.byteLength(JSON.stringify(c), 'utf8');

/**
 * Which contributions the engine still held in its sub-problem state at the end of each
 * sub-problem, read from the wire: after the last round (and its pruning) the engine asks for one
 * summary per persona quoting that persona's contributions from the state list. A contribution is
 * retained when its opening is quoted there. Bytes are the JSON size of the state objects.
 * `rounds` forces that many executed rounds per sub-problem (max_rounds = rounds + 1, the hard cap
 * raised to match), for re-running the measurement at the ends of the rounds constant; `personas`
 * and `pruningMinKept` do the same for those constants. `hold` is
 * given the engine's own last-round lists (by reference) once the session has finished.
 */
export async function measureRetained(
  llm: LlmClient,
  input: {
    sessionId: string;
    problem: number;
    subProblems: number;
    pruning: boolean;
    rounds?: number;
    /** Personas per sub-problem (engine default: from the problem's complexity). */
    personas?: number;
    /** The fewest contributions pruning keeps (engine default 6). */
    pruningMinKept?: number;
  },
  hold?: (lists: ContributionList[]) => void,
): Promise<RetainedContributions> {
  const lastLists = new Map<number, ContributionList>();
  const made = new Map<string, StateContribution[]>();
  const quoted = new Map<string, string>();
  const sizes = new WeakMap<object, number>();
  let peakBytes = 0;
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
    // Read synchronously, as the port's contract asks: the lists are the engine's own (immutable) arrays.
    checkpoints: {
      save: async (_id, state) => {
        if (hold !== undefined) keepLastRoundLists(state, lastLists);
        let held = 0;
        for (const sp of Object.values(state.subProblems)) {
          const size = sizes.get(sp.contributions) ?? sp.contributions.reduce((a, c) => a + bytesOf(c), 0);
          sizes.set(sp.contributions, size);
          held += size;
        }
        peakBytes = Math.max(peakBytes, held);
      },
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
  const forced = input.rounds === undefined ? {} : { subProblemMaxRounds: input.rounds + 1 };
  const result = await runDeliberation(
    ports,
    { sessionId: input.sessionId, userId: 'loadlab', problem: variantOf(input.problem) },
    {
      settings: {
        subProblems: input.subProblems,
        pruning: input.pruning,
        ...forced,
        ...(input.personas === undefined ? {} : { personasPerSubProblem: input.personas }),
        ...(input.pruningMinKept === undefined ? {} : { pruningMinKept: input.pruningMinKept }),
      },
      limits: {
        maxSubProblems: Math.max(4, input.subProblems),
        ...(input.rounds === undefined ? {} : { maxRounds: Math.max(6, input.rounds + 1) }),
      },
    },
  );
  hold?.([...lastLists.values()]);
  const out: RetainedContributions = {
    emitted: 0,
    emittedBytes: 0,
    retained: 0,
    retainedBytes: 0,
    subProblems: result.subProblems.length,
    rounds: result.subProblems.reduce((a, o) => a + o.rounds, 0),
    personas: result.subProblems.reduce((a, o) => a + o.personas.length, 0),
    peakBytes,
  };
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
