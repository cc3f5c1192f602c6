import { setTimeout as sleepMs } from 'node:timers/promises';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { LLM_DEFAULTS } from '../defaults.js';
import type { MockFault, MockProfile } from './profiles.js';
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
  faults: Record<string, number>;
  cacheCreations: number;
  cacheReads: number;
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

/**
 * The mock LLM as msw request handlers. They work through `getResponse` behind an injected fetch
 * (no global patching) and equally under `setupServer`. Every decision that is not a function
 * of the request (latency, random faults) comes from one PRNG seeded by the profile.
 */
export function createMockLlm(profile: MockProfile, options: { anthropicBaseUrl?: string; voyageUrl?: string } = {}): MockLlm {
  const base = options.anthropicBaseUrl ?? LLM_DEFAULTS.anthropicBaseUrl;
  const voyageUrl = options.voyageUrl ?? LLM_DEFAULTS.voyageUrl;
  const rand = prng(profile.seed ^ 0x5bd1e995);
  const cacheSeen = new Set<number>();
  const stats: MockLlmStats = { messages: 0, streams: 0, embeddingRequests: 0, embeddedTexts: 0, faults: {}, cacheCreations: 0, cacheReads: 0 };
  let faults: Required<MockFaultSettings> = { errorRates: profile.errorRates, errorSchedule: profile.errorSchedule };
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
    if (profile.promptCache && cacheable && systemTokens >= profile.minCacheableTokens) {
      const key = hash32(systemText, hash32(body.model));
      if (cacheSeen.has(key)) {
        cacheRead = systemTokens;
        stats.cacheReads++;
      } else {
        if (cacheSeen.size >= CACHE_ENTRIES_MAX) cacheSeen.clear();
        cacheSeen.add(key);
        cacheCreation = systemTokens;
        stats.cacheCreations++;
      }
      // Anthropic's input_tokens excludes the cached part (the audited broker double-subtracted it, §5.1).
      inputTokens -= systemTokens;
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
    if (body.stream === true) {
      stats.streams++;
      const ttft = sampleLatency(profile.stream.ttft, rand);
      return new HttpResponse(
        anthropicSse({ id, model: body.model, text, usage, stopReason, ttftMs: scaled(ttft), interTokenMs: scaled(profile.stream.interTokenMs), tokensPerChunk: profile.stream.tokensPerChunk }),
        { headers: { 'content-type': 'text/event-stream', 'request-id': id } },
      );
    }
    await wait(sampleLatency(profile.latency[tier], rand), request.signal);
    return HttpResponse.json(
      { id, type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text }], stop_reason: stopReason, stop_sequence: null, usage },
      { headers: { 'request-id': id } },
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
    handlers: [messages, embeddings], profile,
    stats: () => ({ ...stats, faults: { ...stats.faults } }),
    setFaults(next) {
      const offset = stats.messages;
      faults = {
        errorRates: next.errorRates ?? faults.errorRates,
        errorSchedule: next.errorSchedule === undefined ? faults.errorSchedule
          : next.errorSchedule.map((s) => ({ ...s, fromCall: s.fromCall + offset, toCall: s.toCall + offset })),
      };
    },
    faults: () => faults,
  };
}

function lastUserText(body: MessagesBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i];
    if (m?.role !== 'user') continue;
    return typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join('');
  }
  return '';
}

function pickFault(faults: Required<MockFaultSettings>, callIndex: number, rand: () => number): MockFault | undefined {
  for (const s of faults.errorSchedule) {
    if (callIndex >= s.fromCall && callIndex <= s.toCall) return s.fault;
  }
  const r = faults.errorRates;
  if (r.rateLimited + r.overloaded + r.serverError + r.hang === 0) return undefined;
  let x = rand();
  if ((x -= r.rateLimited) < 0) return { kind: 'status', status: 429 };
  if ((x -= r.overloaded) < 0) return { kind: 'status', status: 529 };
  if ((x -= r.serverError) < 0) return { kind: 'status', status: 500 };
  if ((x -= r.hang) < 0) return { kind: 'hang' };
  return undefined;
}

function faultKey(f: MockFault): string {
  return f.kind === 'hang' ? 'hang' : String(f.status);
}

const ERROR_TYPES: Record<number, string> = { 429: 'rate_limit_error', 529: 'overloaded_error' };

async function faultResponse(fault: MockFault, profile: MockProfile, signal: AbortSignal): Promise<Response> {
  if (fault.kind === 'hang') {
    // Held until the client gives up (its timeout aborts the request), as a stuck upstream would.
    await new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    throw new Error('unreachable');
  }
  const retryAfterMs = (fault.retryAfterMs ?? profile.retryAfterMs) * profile.timeScale;
  return HttpResponse.json(
    { type: 'error', error: { type: ERROR_TYPES[fault.status] ?? 'api_error', message: `mock ${fault.status}` } },
    {
      status: fault.status,
      // retry-after-ms carries the scaled delay so the SDK's backoff follows the mock's clock;
      // retry-after (whole seconds) is what the real API sends.
      headers: { 'retry-after-ms': String(Math.max(1, Math.round(retryAfterMs))), 'retry-after': String(Math.max(1, Math.round(retryAfterMs / 1000))) },
    },
  );
}
