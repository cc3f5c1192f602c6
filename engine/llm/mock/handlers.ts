import { setTimeout as sleepMs } from 'node:timers/promises';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { LLM_DEFAULTS } from '../defaults.js';
import { providerClock, systemClock, type Clock } from './clock.js';
import { errorResponse, faultKey, faultResponse, pickFault } from './faults.js';
import { overloadedProbability, overloadSlowdown, responseTiming } from './latency.js';
import type { MockProfile } from './profiles.js';
import { createRateLimiter, type LimitKind, type Rejection } from './rate-limiter.js';
import { hash32, prng, sampleLatency } from './random.js';
import { anthropicSse } from './sse.js';
import { estimateTokens, syntheticText } from './text.js';
import { embeddingTokens, textVector } from './vectors.js';

/** What the mock has served; tests and the bench read it to cross-check the client's records. */
export interface MockLlmStats {
  messages: number;
  streams: number;
  embeddingRequests: number;
  embeddedTexts: number;
  /** Injected faults (schedule and rates) by status, plus `hang`. */
  faults: Record<string, number>;
  cacheCreations: number;
  cacheReads: number;
  /** 429s from the rate-limit buckets, by the limit that refused (not injected faults). */
  rateLimited: Record<LimitKind, number>;
  /** 529s from the concurrency ceiling (not injected faults). */
  overloaded: number;
  /** Messages requests being generated now, and the most at once. */
  inFlight: number;
  inFlightPeak: number;
}

/** Faults to inject from now on (runtime `llm-errors` fault); schedule call numbers count from the change (1 = next call). */
export interface MockFaultSettings {
  readonly errorRates?: MockProfile['errorRates'];
  readonly errorSchedule?: MockProfile['errorSchedule'];
}

export interface MockLlm {
  readonly handlers: HttpHandler[];
  /** The profile the mock was created with (faults as set at creation). */
  readonly profile: MockProfile;
  stats(): MockLlmStats;
  /** Replaces the error rates and/or schedule while the mock serves requests. */
  setFaults(faults: MockFaultSettings): void;
  /** The faults in effect now (schedule in absolute call numbers). */
  faults(): Required<MockFaultSettings>;
}

export interface MockLlmOptions {
  anthropicBaseUrl?: string;
  voyageUrl?: string;
  /** Wall clock the rate-limit buckets derive provider time from (tests pass a manual clock). */
  clock?: Clock;
}

interface MessagesBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string | { type: string; text: string; cache_control?: unknown }[];
  messages: { role: string; content: string | { type: string; text?: string }[] }[];
}

// Upper bound on remembered cached prompts: the real cache is keyed per org with a 5 min TTL;
// a bound keeps a long mock run's memory flat.
const CACHE_ENTRIES_MAX = 50_000;

const LIMIT_WORDS: Record<LimitKind, string> = { requests: 'requests', input_tokens: 'input tokens', output_tokens: 'output tokens' };

/**
 * The mock LLM as msw request handlers. They work through `getResponse` behind an injected fetch
 * (no global patching) and equally under `setupServer`. Every decision that is not a function
 * of the request (latency, random faults) comes from one PRNG seeded by the profile. A messages
 * request meets, in order: injected faults, the concurrency ceiling (529), the rate-limit
 * buckets (429), then generation at the profile's token rate.
 */
export function createMockLlm(profile: MockProfile, options: MockLlmOptions = {}): MockLlm {
  const base = options.anthropicBaseUrl ?? LLM_DEFAULTS.anthropicBaseUrl;
  const voyageUrl = options.voyageUrl ?? LLM_DEFAULTS.voyageUrl;
  const rand = prng(profile.seed ^ 0x5bd1e995);
  const cacheSeen = new Set<number>();
  const stats: MockLlmStats = {
    messages: 0,
    streams: 0,
    embeddingRequests: 0,
    embeddedTexts: 0,
    faults: {},
    cacheCreations: 0,
    cacheReads: 0,
    rateLimited: { requests: 0, input_tokens: 0, output_tokens: 0 },
    overloaded: 0,
    inFlight: 0,
    inFlightPeak: 0,
  };
  let faults: Required<MockFaultSettings> = { errorRates: profile.errorRates, errorSchedule: profile.errorSchedule };
  // resolveMockProfile refuses rate limits at timeScale 0, so the provider clock never divides by 0 with buckets in use.
  const limiter = createRateLimiter(profile.rateLimits, providerClock(options.clock ?? systemClock, profile.timeScale || 1));
  const scaled = (ms: number) => ms * profile.timeScale;
  const wait = async (ms: number, signal?: AbortSignal) => {
    const d = scaled(ms);
    if (d >= 0.5) await sleepMs(d, undefined, signal ? { signal } : undefined);
  };

  const messages = http.post(`${base}/v1/messages`, async ({ request }) => {
    const callIndex = ++stats.messages;
    const fault = pickFault(faults, callIndex, rand);
    if (fault !== undefined) {
      stats.faults[faultKey(fault)] = (stats.faults[faultKey(fault)] ?? 0) + 1;
      return faultResponse(fault, profile, request.signal);
    }
    if (profile.overload.maxConcurrent > 0 && rand() < overloadedProbability(profile, stats.inFlight)) {
      stats.overloaded++;
      return errorResponse(529, 'Overloaded (mock: past the provider concurrency ceiling)', profile.retryAfterMs, profile.timeScale);
    }
    const body = (await request.json()) as MessagesBody;
    const role = request.headers.get('x-loadlab-role') ?? 'default';
    const tier = /sonnet|opus/.test(body.model) ? 'core' : 'fast';
    const systemText = typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
    const cacheable = Array.isArray(body.system) && body.system.some((b) => b.cache_control !== undefined);
    const userText = lastUserText(body);
    const textSeed = hash32(`${body.model}\u0000${systemText}\u0000${userText}`, profile.seed);
    const systemTokens = estimateTokens(systemText.length);
    let inputTokens = systemTokens + estimateTokens(userText.length);
    let cacheCreation = 0;
    let cacheRead = 0;
    const cacheKey =
      profile.promptCache && cacheable && systemTokens >= profile.minCacheableTokens ? hash32(systemText, hash32(body.model)) : undefined;
    if (cacheKey !== undefined) {
      if (cacheSeen.has(cacheKey)) cacheRead = systemTokens;
      else cacheCreation = systemTokens;
      // Anthropic's input_tokens excludes the cached part (the audited broker double-subtracted it, §5.1).
      inputTokens -= systemTokens;
    }
    const admission = limiter.admit({
      model: body.model,
      inputTokens: inputTokens + cacheCreation,
      cacheReadTokens: cacheRead,
      maxTokens: body.max_tokens,
    });
    if (!admission.ok) {
      stats.rateLimited[admission.limit]++;
      return rateLimitedResponse(admission, body.model, profile.timeScale);
    }
    // Only an admitted request writes the cache (a refused one never reached the model).
    if (cacheKey !== undefined) {
      if (cacheRead > 0) stats.cacheReads++;
      else {
        if (cacheSeen.size >= CACHE_ENTRIES_MAX) cacheSeen.clear();
        cacheSeen.add(cacheKey);
        stats.cacheCreations++;
      }
    }
    const wanted = profile.outputTokensByRole[role] ?? profile.defaultOutputTokens;
    const jittered = Math.max(1, Math.round(wanted * (0.8 + 0.4 * prng(textSeed)())));
    const outputTokens = Math.min(jittered, body.max_tokens);
    const stopReason = jittered > body.max_tokens ? 'max_tokens' : 'end_turn';
    const text = syntheticText(textSeed, outputTokens);
    const usage = {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
    };
    const id = `msg_mock_${callIndex.toString(36)}_${textSeed.toString(36)}`;
    const timing = responseTiming(profile, tier, outputTokens, body.stream === true, rand, overloadSlowdown(profile, stats.inFlight + 1));
    if (++stats.inFlight > stats.inFlightPeak) stats.inFlightPeak = stats.inFlight;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      stats.inFlight--;
      admission.settle(outputTokens);
    };
    const headers = { ...admission.headers, 'request-id': id };
    if (body.stream === true) {
      stats.streams++;
      return new HttpResponse(
        anthropicSse({
          id,
          model: body.model,
          text,
          usage,
          stopReason,
          ttftMs: scaled(timing.ttftMs),
          interTokenMs: scaled(timing.perTokenMs),
          tokensPerChunk: profile.stream.tokensPerChunk,
          onEnd: finish,
        }),
        { headers: { ...headers, 'content-type': 'text/event-stream' } },
      );
    }
    try {
      await wait(timing.totalMs, request.signal);
    } finally {
      finish();
    }
    return HttpResponse.json(
      {
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      },
      { headers },
    );
  });

  const embeddings = http.post(voyageUrl, async ({ request }) => {
    stats.embeddingRequests++;
    const body = (await request.json()) as { input: string | string[]; model?: string };
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    stats.embeddedTexts += inputs.length;
    await wait(sampleLatency(profile.latency.embedding, rand), request.signal);
    let tokens = 0;
    const data = inputs.map((text, index) => {
      tokens += embeddingTokens(text);
      return { object: 'embedding', index, embedding: Array.from(textVector(text, profile.embeddingDimensions, profile.seed)) };
    });
    return HttpResponse.json({ object: 'list', data, model: body.model ?? LLM_DEFAULTS.embeddingModel, usage: { total_tokens: tokens } });
  });

  return {
    handlers: [messages, embeddings],
    profile,
    stats: () => ({ ...stats, faults: { ...stats.faults }, rateLimited: { ...stats.rateLimited } }),
    setFaults(next) {
      const offset = stats.messages;
      faults = {
        errorRates: next.errorRates ?? faults.errorRates,
        errorSchedule:
          next.errorSchedule === undefined
            ? faults.errorSchedule
            : next.errorSchedule.map((s) => ({ ...s, fromCall: s.fromCall + offset, toCall: s.toCall + offset })),
      };
    },
    faults: () => faults,
  };
}

/** 429 rate_limit_error worded like the API's, with retry-after and the bucket headers. */
function rateLimitedResponse(r: Rejection, model: string, timeScale: number): Response {
  const message = `This request would exceed your organization's rate limit of ${r.perMinute.toLocaleString('en-US')} ${LIMIT_WORDS[r.limit]} per minute (model class ${r.modelClass}, ${model}; loadlab mock). Please reduce the prompt length or the maximum tokens requested, or try again later.`;
  // Whole seconds, as the API sends: a client waiting exactly retry-after finds room.
  return errorResponse(429, message, Math.max(1, Math.ceil(r.waitMs / 1000)) * 1000, timeScale, r.headers);
}

function lastUserText(body: MessagesBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i];
    if (m?.role !== 'user') continue;
    return typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join('');
  }
  return '';
}
