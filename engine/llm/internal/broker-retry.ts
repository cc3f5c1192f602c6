import { setTimeout as sleepMs } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';

/**
 * The audited PromptBroker's own retry loop around the SDK call (docs/audited-system.md §10.1:
 * RetryPolicy, up to 5 retries, exponential backoff 1 s ... 60 s with jitter), on top of the
 * SDK's own retries. Off unless configured: loadlab's default is the SDK's loop alone.
 */
export interface BrokerRetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Multiplies every delay (the mock's timeScale). */
  readonly delayScale: number;
}

/** Transient as bo1's breaker classed them: 429, 5xx (529 included), timeouts and connection errors. */
export function isTransient(err: unknown): boolean {
  // APIConnectionTimeoutError is an APIConnectionError; a user abort is neither.
  if (err instanceof Anthropic.APIUserAbortError) return false;
  if (err instanceof Anthropic.APIConnectionError) return true;
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') return err.status === 429 || err.status >= 500;
  return false;
}

/**
 * Delay before broker retry `n` (0-based): base x 2^n capped at max, times a jitter in 0.5..1.
 * The jitter's form is not recorded for bo1; this "equal jitter" keeps at least half the delay.
 */
export function brokerDelayMs(policy: BrokerRetryPolicy, n: number, rand: () => number = Math.random): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) * (0.5 + rand() / 2) * policy.delayScale;
}

export async function withBrokerRetries<T>(
  policy: BrokerRetryPolicy,
  run: () => Promise<T>,
  onRetry: () => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await run();
    } catch (err) {
      if (n >= policy.retries || !isTransient(err) || signal?.aborted === true) throw err;
      onRetry();
      const ms = brokerDelayMs(policy, n);
      if (ms >= 0.5) await sleepMs(ms, undefined, signal === undefined ? undefined : { signal });
    }
  }
}
