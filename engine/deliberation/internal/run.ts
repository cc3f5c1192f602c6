import { LoadlabError } from '../../errors/index.js';
import type { CompletionRequest, CompletionResult, LlmRole } from '../../llm/index.js';
import type { DeliberationLimits, DeliberationSettings } from '../defaults.js';
import { DELIBERATION_ERRORS } from '../errors.js';
import type { DeliberationPorts } from '../ports.js';
import type { DeliberationState, SessionCounters, StatePart } from '../state.js';

/**
 * What one session's steps share: ports, settings, the resumable state and its counters. Kept
 * deliberately small: the heavy state (contributions) lives per sub-problem and is pruned.
 */
export class SessionRun {
  constructor(
    readonly ports: DeliberationPorts,
    readonly settings: DeliberationSettings,
    readonly limits: DeliberationLimits,
    readonly sessionId: string,
    readonly userId: string,
    readonly embeddingBatched: boolean,
    readonly signal: AbortSignal | undefined,
    readonly state: DeliberationState,
  ) {}

  get counters(): SessionCounters {
    return this.state.counters;
  }

  get costGuardTripped(): boolean {
    return this.state.costGuardTripped;
  }

  checkAborted(): void {
    if (this.signal?.aborted === true) {
      throw new LoadlabError(DELIBERATION_ERRORS.ABORTED, `session ${this.sessionId} was stopped`, {
        cause: this.signal.reason,
      });
    }
  }

  async call(
    role: LlmRole,
    req: Omit<CompletionRequest, 'role' | 'context' | 'signal'>,
    context: Omit<NonNullable<CompletionRequest['context']>, 'sessionId' | 'userId'> = {},
  ): Promise<CompletionResult> {
    this.checkAborted();
    this.counters.llmCalls++;
    const res = await this.ports.llm.complete({
      ...req,
      role,
      context: { sessionId: this.sessionId, userId: this.userId, node: role, ...context },
      ...(this.signal === undefined ? {} : { signal: this.signal }),
    });
    this.counters.costUsd += res.costUsd;
    // §4.6 cost guard, applied per session on every path (bo1 had it in the main graph only).
    if (this.counters.costUsd > this.limits.maxCostPerSessionUsd) this.state.costGuardTripped = true;
    return res;
  }

  async progressDone(): Promise<void> {
    await this.ports.progress.update(this.sessionId, {
      phase: 'complete',
      totalCostUsd: this.counters.costUsd,
      contributionCount: this.counters.contributions,
    });
  }

  async emit(type: string, data: Record<string, unknown>): Promise<void> {
    this.counters.events++;
    await this.ports.events.emit(this.sessionId, type, data);
  }

  /**
   * Ends a step: counts it and hands the state to the checkpointer (after every node, as bo1's
   * graph did, §8.2). A killed session writes no checkpoint for a step it did not finish.
   */
  async stepDone(name: string, changed: readonly StatePart[]): Promise<void> {
    this.checkAborted();
    this.state.step += 1;
    this.state.lastStep = name;
    await this.ports.checkpoints?.save(this.sessionId, this.state, changed);
  }
}
