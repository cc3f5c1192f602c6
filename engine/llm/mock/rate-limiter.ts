import type { Clock } from './clock.js';
import { MODEL_CLASSES, modelClassOf, type ModelClass, type ModelClassLimits, type RateLimitSpec } from './rate-limits.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/** Which bucket refused a request; the names follow the API's header families. */
export type LimitKind = 'requests' | 'input_tokens' | 'output_tokens';

export interface RateLimitRequest {
  readonly model: string;
  /** input_tokens + cache_creation_input_tokens of the request. */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly maxTokens: number;
}

export interface Admission {
  readonly ok: true;
  /** anthropic-ratelimit-* headers for the response (empty without limits). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * OTPM is charged max_tokens on admission and corrected when the response ends, as the API
   * does; call this once with the output tokens actually produced.
   */
  settle(outputTokens: number): void;
}

export interface Rejection {
  readonly ok: false;
  readonly limit: LimitKind;
  readonly modelClass: ModelClass;
  /** The per-minute figure that was exceeded. */
  readonly perMinute: number;
  /** Provider milliseconds until the request would fit (the basis of retry-after). */
  readonly waitMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RateLimiterStats {
  admitted: number;
  rejected: Record<LimitKind, number>;
}

export interface RateLimiter {
  readonly spec: RateLimitSpec;
  admit(request: RateLimitRequest): Admission | Rejection;
  stats(): RateLimiterStats;
}

interface ClassBuckets {
  readonly limits: ModelClassLimits;
  readonly requests: TokenBucket;
  readonly input: TokenBucket;
  readonly output: TokenBucket;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Provider-side rate limits: per model class, three continuously refilled buckets (requests,
 * input tokens, output tokens per minute). A request is admitted only if it fits all three, and
 * then takes from all three at once; otherwise nothing is taken and it is refused with the wait
 * until it would fit. `clock` is the provider's clock (providerClock), so buckets refill per
 * provider minute whatever the mock's time compression.
 */
export function createRateLimiter(spec: RateLimitSpec, clock: Clock): RateLimiter {
  const stats: RateLimiterStats = { admitted: 0, rejected: { requests: 0, input_tokens: 0, output_tokens: 0 } };
  const classes = spec.classes;
  if (classes === undefined) {
    return {
      spec,
      admit: () => {
        stats.admitted++;
        return { ok: true, headers: NO_HEADERS, settle: () => undefined };
      },
      stats: () => ({ admitted: stats.admitted, rejected: { ...stats.rejected } }),
    };
  }
  const buckets = new Map<ModelClass, ClassBuckets>();
  for (const c of MODEL_CLASSES) {
    const limits = classes[c];
    buckets.set(c, {
      limits,
      requests: createTokenBucket({ capacity: limits.requestsPerMinute, refillPerMinute: limits.requestsPerMinute, clock }),
      input: createTokenBucket({ capacity: limits.inputTokensPerMinute, refillPerMinute: limits.inputTokensPerMinute, clock }),
      output: createTokenBucket({ capacity: limits.outputTokensPerMinute, refillPerMinute: limits.outputTokensPerMinute, clock }),
    });
  }

  function admit(req: RateLimitRequest): Admission | Rejection {
    const modelClass = modelClassOf(req.model);
    const b = buckets.get(modelClass);
    if (b === undefined) throw new Error(`no buckets for model class ${modelClass}`);
    const input = req.inputTokens + (b.limits.cacheReadCountsTowardItpm ? req.cacheReadTokens : 0);
    // A reservation larger than the bucket would never fit; it is capped so the call waits for a full bucket.
    const output = Math.min(req.maxTokens, b.output.capacity);
    const waits: [LimitKind, number, number][] = [
      ['requests', b.requests.msUntil(1), b.limits.requestsPerMinute],
      ['input_tokens', b.input.msUntil(input), b.limits.inputTokensPerMinute],
      ['output_tokens', b.output.msUntil(output), b.limits.outputTokensPerMinute],
    ];
    const blocking = waits.filter(([, ms]) => ms > 0);
    const first = blocking[0];
    if (first !== undefined) {
      stats.rejected[first[0]]++;
      return {
        ok: false,
        limit: first[0],
        modelClass,
        perMinute: first[2],
        waitMs: Math.max(...blocking.map(([, ms]) => ms)),
        headers: headersFor(b, clock),
      };
    }
    b.requests.tryTake(1);
    b.input.tryTake(input);
    b.output.tryTake(output);
    stats.admitted++;
    let settled = false;
    return {
      ok: true,
      headers: headersFor(b, clock),
      settle(outputTokens) {
        if (settled) return;
        settled = true;
        if (outputTokens < output) b.output.give(output - outputTokens);
      },
    };
  }

  return { spec, admit, stats: () => ({ admitted: stats.admitted, rejected: { ...stats.rejected } }) };
}

/** RFC 3339 to the second, as the API prints reset times. */
const rfc3339 = (ms: number): string => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The API rounds token figures in these headers to the nearest thousand. */
const thousand = (n: number): number => Math.round(n / 1000) * 1000;

/**
 * The anthropic-ratelimit-* headers as the API documents them: limit, remaining and the time the
 * bucket is full again, for requests, input tokens and output tokens; `tokens-*` repeat whichever
 * token limit is most restrictive now (the smaller share remaining).
 */
function headersFor(b: ClassBuckets, clock: Clock): Record<string, string> {
  const now = clock.now();
  const family = (bucket: TokenBucket, round: (n: number) => number) => ({
    limit: String(bucket.capacity),
    remaining: String(Math.max(0, round(bucket.level()))),
    reset: rfc3339(now + bucket.msUntilFull()),
  });
  const requests = family(b.requests, Math.floor);
  const input = family(b.input, thousand);
  const output = family(b.output, thousand);
  const tokens = b.input.level() / b.input.capacity <= b.output.level() / b.output.capacity ? input : output;
  const h: Record<string, string> = {};
  for (const [prefix, f] of [
    ['requests', requests],
    ['input-tokens', input],
    ['output-tokens', output],
    ['tokens', tokens],
  ] as const) {
    h[`anthropic-ratelimit-${prefix}-limit`] = f.limit;
    h[`anthropic-ratelimit-${prefix}-remaining`] = f.remaining;
    h[`anthropic-ratelimit-${prefix}-reset`] = f.reset;
  }
  return h;
}
