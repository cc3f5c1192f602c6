import type { StopReason } from './internal/stopping.js';

/** Counters a session carries across steps (and across a resume, through its checkpoint). */
export interface SessionCounters {
  llmCalls: number;
  embeddingRequests: number;
  contributions: number;
  events: number;
  costUsd: number;
}

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

export interface Contribution {
  readonly persona: string;
  readonly name: string;
  readonly content: string;
  readonly round: number;
}

/** Where a sub-problem stands after its last completed step. */
export type SubProblemStage = 'selected' | 'rounds' | 'voted' | 'synthesized' | 'done';

/**
 * A sub-problem at a step boundary. Steps work on a copy and publish it here only when the step
 * is over, so a checkpoint taken by a sibling sub-problem (parallel mode) never sees half a round.
 */
export interface SubProblemState {
  readonly index: number;
  readonly goal: string;
  readonly maxRounds: number;
  readonly costBefore: number;
  readonly stage: SubProblemStage;
  readonly personas: readonly string[];
  readonly contributions: readonly Contribution[];
  readonly summaries: readonly string[];
  readonly total: number;
  readonly stalled: number;
  /** Rounds completed. */
  readonly round: number;
  readonly reason?: StopReason;
  /** Vote heads (what the synthesis prompt uses). */
  readonly votes?: readonly string[];
  readonly synthesis?: string;
  readonly outcome?: SubProblemOutcome;
}

export interface SessionPlan {
  readonly complexity: number;
  readonly personaCount: number;
  readonly subProblems: readonly SubProblem[];
}

/**
 * Everything a deliberation needs to continue after its last completed step. Plain JSON (the
 * checkpointer serialises it), versioned so a checkpoint from another build is refused, not misread.
 */
export interface DeliberationState {
  readonly version: 1;
  /** Steps completed; a resume starts at the step after this one. */
  step: number;
  lastStep: string;
  counters: SessionCounters;
  costGuardTripped: boolean;
  plan?: SessionPlan;
  gapsDone: boolean;
  /** By sub-problem index. */
  subProblems: Record<string, SubProblemState>;
  metaSynthesis?: string;
  metaDone: boolean;
  tasksDone: boolean;
  completed: boolean;
}

/** The parts of the state a step changed: `session` (everything but sub-problems) or `sp:<index>`. */
export type StatePart = 'session' | `sp:${number}`;

export const STATE_VERSION = 1;

export function initialState(): DeliberationState {
  return {
    version: STATE_VERSION,
    step: 0,
    lastStep: 'start',
    counters: { llmCalls: 0, embeddingRequests: 0, contributions: 0, events: 0, costUsd: 0 },
    costGuardTripped: false,
    gapsDone: false,
    subProblems: {},
    metaDone: false,
    tasksDone: false,
    completed: false,
  };
}
