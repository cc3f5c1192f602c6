import type { CallContext, CompletionRequest, CompletionResult, EmbeddingResult } from '../llm/index.js';
import type { DeliberationState, StatePart } from './state.js';

/**
 * The deliberation's outside world, as small interfaces: tests use in-memory adapters
 * (memory-ports.ts), createEngine wires the LLM client, EventPublisher and repositories.
 */
export interface LlmPort {
  complete(request: CompletionRequest): Promise<CompletionResult>;
  embed(texts: readonly string[], context: CallContext): Promise<EmbeddingResult>;
}

export interface EventPort {
  /** Publishes one event of the session (sequence numbers are the publisher's business). */
  emit(sessionId: string, type: string, data: Record<string, unknown>): Promise<void>;
}

export interface ContributionRecord {
  readonly sessionId: string;
  readonly userId: string;
  readonly personaCode: string;
  readonly content: string;
  readonly round: number;
  readonly phase: string;
  readonly costUsd: number;
  readonly tokens: number;
  readonly model: string;
  readonly subProblemIndex: number;
}

export interface ContributionPort {
  /** One database write per contribution, before its event (§4.4). */
  save(contribution: ContributionRecord): Promise<void>;
}

export interface SessionProgress {
  readonly phase: string;
  readonly round?: number;
  readonly totalCostUsd?: number;
  readonly expertCount?: number;
  readonly contributionCount?: number;
}

export interface ProgressPort {
  update(sessionId: string, progress: SessionProgress): Promise<void>;
}

export interface CheckpointPort {
  /**
   * Called after every step with the whole state and the parts the step changed; the adapter
   * decides whether to write everything (audited) or only those parts. It must read `state`
   * before its first await: the deliberation goes on mutating it.
   */
  save(sessionId: string, state: DeliberationState, changed: readonly StatePart[]): Promise<void>;
}

/**
 * §8.1 persona selection cache (bo1's `personas:cache:*`, off by default): selections stored with
 * the sub-problem goal's embedding and found again by similarity.
 */
export interface PersonaCachePort {
  /** Persona codes of the best stored selection similar enough to `embedding`, if any. */
  find(embedding: readonly number[]): Promise<readonly string[] | undefined>;
  store(goal: string, embedding: readonly number[], personaCodes: readonly string[]): Promise<void>;
}

export interface DeliberationPorts {
  readonly llm: LlmPort;
  /** Absent: every sub-problem asks the selector (bo1's default, the cache is off). */
  readonly personaCache?: PersonaCachePort;
  readonly events: EventPort;
  readonly contributions: ContributionPort;
  readonly progress: ProgressPort;
  /** Absent: no checkpoints (unit tests, benches). */
  readonly checkpoints?: CheckpointPort;
}
