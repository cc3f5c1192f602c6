/**
 * Which limit binds at a concurrency level. Every candidate is scored as a fraction in [0, 1] so
 * limits measured in different units can be compared:
 * - LLM requests / input tokens / output tokens per minute: share of Messages attempts the mock's
 *   bucket of that kind refused with a 429 (its rateLimitedBy counter over the level's attempts);
 * - session cap: share of samples with start() calls queued behind the SessionManager's capacity lock;
 * - DB pool: share of samples with pool clients waiting for a connection.
 * A limit is hit when its score reaches HIT_THRESHOLD; the binding one at a level is the highest
 * hit score, and the binding limit of a sweep is the one binding at the lowest level that hits any.
 */
export type LimitName = 'session_cap' | 'db_pool' | 'llm_requests_per_min' | 'llm_input_tokens_per_min' | 'llm_output_tokens_per_min';

export const LIMIT_NAMES: readonly LimitName[] = [
  'session_cap',
  'db_pool',
  'llm_requests_per_min',
  'llm_input_tokens_per_min',
  'llm_output_tokens_per_min',
];

export const LIMIT_LABELS: Readonly<Record<LimitName, string>> = {
  session_cap: 'session cap',
  db_pool: 'DB pool',
  llm_requests_per_min: 'LLM requests/min',
  llm_input_tokens_per_min: 'LLM input tokens/min',
  llm_output_tokens_per_min: 'LLM output tokens/min',
};

/** One refused attempt in a hundred, or queueing in one sample in a hundred: below that it is noise, not a limit. */
export const HIT_THRESHOLD = 0.01;

export interface LimitSignals {
  /** Messages attempts in the level (first attempts and retries). */
  attempts: number;
  rateLimitedBy: { requests: number; input_tokens: number; output_tokens: number };
  samples: number;
  samplesWithWaitingStarts: number;
  samplesWithPoolWaiters: number;
}

export type LimitScores = Record<LimitName, number>;

export function scoreLimits(s: LimitSignals): LimitScores {
  const perAttempt = (n: number) => (s.attempts > 0 ? n / s.attempts : 0);
  const perSample = (n: number) => (s.samples > 0 ? n / s.samples : 0);
  return {
    session_cap: perSample(s.samplesWithWaitingStarts),
    db_pool: perSample(s.samplesWithPoolWaiters),
    llm_requests_per_min: perAttempt(s.rateLimitedBy.requests),
    llm_input_tokens_per_min: perAttempt(s.rateLimitedBy.input_tokens),
    llm_output_tokens_per_min: perAttempt(s.rateLimitedBy.output_tokens),
  };
}

/** The binding limit at one level, or null when nothing reached HIT_THRESHOLD. */
export function bindingLimit(scores: LimitScores): LimitName | null {
  let best: LimitName | null = null;
  for (const name of LIMIT_NAMES) {
    if (scores[name] >= HIT_THRESHOLD && (best === null || scores[name] > scores[best])) best = name;
  }
  return best;
}

/** The limit that binds first across a sweep (levels in ascending concurrency), with the level it first binds at. */
export function firstBinding(
  levels: readonly { concurrency: number; binding: LimitName | null }[],
): { limit: LimitName; concurrency: number } | null {
  const sorted = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  for (const l of sorted) if (l.binding !== null) return { limit: l.binding, concurrency: l.concurrency };
  return null;
}

export function isLlmLimit(name: LimitName): boolean {
  return name.startsWith('llm_');
}
