import type { LlmRole } from './models.js';

/** Who a call is for: copied onto every attempt's cost record (fixes bo1's NULL session_id, §5.2). */
export interface CallContext {
  readonly sessionId?: string;
  readonly userId?: string;
  readonly node?: string;
  readonly phase?: string;
  readonly persona?: string;
  readonly round?: number;
  readonly subProblemIndex?: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

export type Provider = 'anthropic' | 'voyage';

/** One HTTP attempt as seen on the wire. A retried call yields one of these per attempt. */
export interface LlmAttempt {
  /** Unique per attempt: the idempotency key of its cost record. */
  readonly requestId: string;
  readonly callId: string;
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  readonly provider: Provider;
  readonly model: string;
  readonly operation: string;
  readonly status: 'success' | 'error';
  /** 0 when no HTTP response arrived (connection error, timeout, abort). */
  readonly httpStatus: number;
  readonly error?: string;
  readonly latencyMs: number;
  readonly usage: TokenUsage;
  readonly context: CallContext;
  readonly startedAt: Date;
}

/** Where attempts go: the engine adapts this to the CostTracker. Must not throw or block. */
export interface CostSink {
  record(attempt: LlmAttempt): void;
}

export interface CompletionRequest {
  readonly role: LlmRole;
  readonly system: string;
  readonly user: string;
  /** Assistant prefill; trailing whitespace stripped and prepended to the answer (§10.1). */
  readonly prefill?: string;
  readonly maxTokens: number;
  readonly temperature?: number;
  /** Puts `cache_control: ephemeral` on the system block (§10.1). */
  readonly cacheSystem?: boolean;
  readonly stream?: boolean;
  readonly context: CallContext;
  readonly signal?: AbortSignal;
}

export interface CompletionResult {
  readonly text: string;
  readonly model: string;
  readonly usage: TokenUsage;
  readonly stopReason: string | null;
  readonly attempts: number;
  readonly latencyMs: number;
  /** In-state cost (the `calculate_cost` formula of §5.1), used by the cost guard. */
  readonly costUsd: number;
}

export interface EmbeddingResult {
  readonly vectors: Float32Array[];
  readonly tokens: number;
  readonly attempts: number;
}

export type PriceFn = (model: string, usage: TokenUsage) => number;
