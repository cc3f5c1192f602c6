import type { Persona } from '../personas.js';
import type { Phase } from './shape.js';

// Prompt text is loadlab's own. Sizes matter (they drive input tokens and cache sizes), wording does not.
const PHASE_INSTRUCTIONS: Record<Phase, string> = {
  exploration: 'Phase: exploration. Widen the view: raise options, facts and open questions others may miss.',
  challenge: 'Phase: challenge. Critique the strongest position so far; name flawed assumptions and missing evidence.',
  convergence: 'Phase: convergence. Narrow down: state what you would recommend now and under which conditions.',
};

const OUTPUT_FORMAT = 'Answer in at most 150 words. Think inside <thinking> tags first, then give your position.';

export function personaSystem(p: Persona, phase: Phase): string {
  return `${p.systemPrompt}\n${PHASE_INSTRUCTIONS[phase]}\n${OUTPUT_FORMAT}`;
}

export interface PromptMemory {
  readonly goal: string;
  readonly context: string;
  readonly recent: readonly { persona: string; content: string }[];
  readonly summaries: readonly string[];
}

/** §4.4 user message: goal + context + last contributions (truncated) + last round summaries. */
export function personaUser(m: PromptMemory, chars: number): string {
  const recent = m.recent.map((c) => `[${c.persona}] ${c.content.length > chars ? c.content.slice(0, chars) : c.content}`).join('\n');
  const summaries = m.summaries.map((s, i) => `Round summary ${i + 1}: ${s}`).join('\n');
  return `Sub-problem: ${m.goal}\nContext: ${m.context}\nRecent contributions:\n${recent || '(none yet)'}\n${summaries}`;
}

export const SYSTEMS = {
  decomposer:
    'You break a business problem into at most four sub-problems, each with a goal, a complexity score from 1 to 10 and its dependencies. Reply as a numbered list.',
  complexity:
    'You rate how hard a business problem is to decide on, recommend how many discussion rounds (3-6) and experts (3-5) it needs. Reply with three numbers.',
  gaps: 'You list the information that is missing to decide well on a problem, as short questions, most important first.',
  selector: 'You pick the advisers best placed to discuss a sub-problem from a catalogue, giving a one-line reason for each.',
  summarizer: 'You summarise one round of an advisory discussion in about 100 tokens: positions, agreements, open disagreements.',
  judge: 'You judge how completely a discussion has explored a sub-problem. List missing aspects and the prompts that would cover them.',
  voting: 'Give your final recommendation on the sub-problem: the option, your confidence, and the conditions that would change it.',
  synthesis: 'You write the synthesis report of an advisory discussion: executive summary, recommendation, risks, next steps.',
  expertSummary: 'Summarise in under 75 tokens what this adviser argued, for their memory in later sub-problems.',
  meta: 'You combine the syntheses of several sub-problems into one decision report with a single clear recommendation.',
  options: 'Extract the distinct decision options mentioned in a report, one per line with a short label.',
  tasks: 'Extract concrete follow-up actions from a decision report: title, owner role, priority and dependencies.',
} as const;
