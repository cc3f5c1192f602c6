import { randomUUID } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import { LoadlabError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { LLM_DEFAULTS } from './defaults.js';
import { LLM_ERRORS } from './errors.js';
import { withBrokerRetries } from './internal/broker-retry.js';
import { CALL_ID_HEADER, observeFetch, type CallRegistry } from './internal/observed-fetch.js';
import { DEPRECATED_MODEL_IDS, modelForRole, type ModelSet } from './models.js';
import type { CallContext, CompletionRequest, CompletionResult, CostSink, EmbeddingResult, PriceFn, TokenUsage } from './types.js';

export interface LlmClientOptions {
  /** The transport: a mock fetch (createMockFetch) or globalThis.fetch in real mode. */
  readonly fetch: typeof fetch;
  readonly apiKey: string;
  readonly voyageApiKey?: string;
  readonly models: ModelSet;
  readonly costSink: CostSink;
  readonly price?: PriceFn;
  readonly maxRetries?: number;
  /**
   * Retries of the whole SDK call on a transient failure, as the audited broker did (§10.1), with
   * backoff from brokerRetryBaseDelayMs doubling to brokerRetryMaxDelayMs. 0 = the SDK's loop only.
   */
  readonly brokerRetries?: number;
  readonly brokerRetryBaseDelayMs?: number;
  readonly brokerRetryMaxDelayMs?: number;
  readonly timeoutMs?: number;
  /** Scales the client's own waits (embedding backoff); the mock's timeScale in mock mode. */
  readonly delayScale?: number;
  readonly anthropicBaseUrl?: string;
  readonly voyageUrl?: string;
  readonly embeddingModel?: string;
  readonly embeddingMaxRetries?: number;
  readonly embeddingInitialDelayMs?: number;
  readonly promptCachingBeta?: boolean;
  readonly logger?: Logger;
}

export interface LlmStats {
  calls: number;
  failedCalls: number;
  attempts: number;
  callsByModel: Record<string, number>;
  embeddingRequests: number;
  embeddedTexts: number;
  /** Completions and embedding requests in flight now, and the most seen at once. */
  inFlight: number;
  inFlightPeak: number;
  /** Messages attempts answered 429 (rate limited) and 529 (overloaded); the SDK retries both. */
  rateLimited: number;
  overloaded: number;
  /** Messages attempts beyond each call's first: the SDK's retries plus any broker retries. */
  retries: number;
  /** Times the broker loop (brokerRetries) called the SDK again after it gave up. */
  brokerRetries: number;
  /** Time completions spent before their final attempt (failed attempts plus backoff), summed. */
  retryWaitMs: number;
  /** Attempts (messages and embeddings) that failed; each is its own cost record. */
  failedAttempts: number;
  /** Priced usage of failed attempts: 0 unless the provider billed a failed attempt's tokens. */
  failedAttemptCostUsd: number;
}

/** One settled completion (all SDK attempts included), as call observers see it. */
export interface LlmCallObservation {
  model: string;
  role: string;
  latencyMs: number;
  ok: boolean;
}

export interface LlmClient {
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /**
   * Calls `listener` after every completion settles (the per-call hook /metrics needs for
   * llm_call_duration_seconds). Returns the unsubscribe function. A throwing listener is ignored.
   */
  onCall(listener: (call: LlmCallObservation) => void): () => void;
  embed(texts: readonly string[], context: CallContext): Promise<EmbeddingResult>;
  stats(): LlmStats;
  readonly models: ModelSet;
  /** The underlying SDK client, for the bench's bare-SDK comparison through the same transport. */
  readonly sdk: Anthropic;
}

interface MessageLike {
  content: { type: string; text?: string }[];
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  };
  stop_reason: string | null;
  model: string;
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const registry: CallRegistry = new Map();
  const stats: LlmStats = {
    calls: 0,
    failedCalls: 0,
    attempts: 0,
    callsByModel: {},
    embeddingRequests: 0,
    embeddedTexts: 0,
    inFlight: 0,
    inFlightPeak: 0,
    rateLimited: 0,
    overloaded: 0,
    retries: 0,
    brokerRetries: 0,
    retryWaitMs: 0,
    failedAttempts: 0,
    failedAttemptCostUsd: 0,
  };
  const enter = () => {
    if (++stats.inFlight > stats.inFlightPeak) stats.inFlightPeak = stats.inFlight;
  };
  const price = options.price ?? (() => 0);
  const countingSink: CostSink = {
    record: (a) => {
      stats.attempts++;
      if (a.provider === 'anthropic') {
        if (a.httpStatus === 429) stats.rateLimited++;
        else if (a.httpStatus === 529) stats.overloaded++;
        if (a.attempt > 1) stats.retries++;
      }
      if (a.status === 'error') {
        stats.failedAttempts++;
        stats.failedAttemptCostUsd += price(a.model, a.usage);
      }
      options.costSink.record(a);
    },
  };
  const observed = observeFetch(options.fetch, registry, countingSink);
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.anthropicBaseUrl ?? LLM_DEFAULTS.anthropicBaseUrl,
    fetch: observed,
    maxRetries: options.maxRetries ?? LLM_DEFAULTS.maxRetries,
    timeout: options.timeoutMs ?? LLM_DEFAULTS.timeoutMs,
    ...((options.promptCachingBeta ?? LLM_DEFAULTS.promptCachingBeta)
      ? { defaultHeaders: { 'anthropic-beta': 'prompt-caching-2024-07-31' } }
      : {}),
  });
  const scale = options.delayScale ?? 1;
  const brokerPolicy = {
    retries: options.brokerRetries ?? LLM_DEFAULTS.brokerRetries,
    baseDelayMs: options.brokerRetryBaseDelayMs ?? LLM_DEFAULTS.brokerRetryBaseDelayMs,
    maxDelayMs: options.brokerRetryMaxDelayMs ?? LLM_DEFAULTS.brokerRetryMaxDelayMs,
    delayScale: scale,
  };
  const warned = new Set<string>();
  const listeners = new Set<(call: LlmCallObservation) => void>();
  const notify = (call: LlmCallObservation): void => {
    for (const l of listeners) {
      try {
        l(call);
      } catch {
        /* an observer must never fail the call it observes */
      }
    }
  };

  async function complete(req: CompletionRequest): Promise<CompletionResult> {
    const model = modelForRole(options.models, req.role);
    const callId = randomUUID();
    registry.set(callId, { provider: 'anthropic', model, operation: req.role, context: req.context, attempts: 0 });
    stats.calls++;
    stats.callsByModel[model] = (stats.callsByModel[model] ?? 0) + 1;
    enter();
    const prefill = req.prefill?.trimEnd();
    const body = {
      model,
      max_tokens: req.maxTokens,
      temperature: req.temperature ?? 1,
      system: [
        { type: 'text' as const, text: req.system, ...(req.cacheSystem === true ? { cache_control: { type: 'ephemeral' as const } } : {}) },
      ],
      messages: [
        { role: 'user' as const, content: req.user },
        ...(prefill === undefined || prefill === '' ? [] : [{ role: 'assistant' as const, content: prefill }]),
      ],
    };
    const reqOptions = {
      headers: { [CALL_ID_HEADER]: callId, 'x-loadlab-role': req.role },
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    };
    const t0 = performance.now();
    let ok = false;
    try {
      const message = await withBrokerRetries(
        brokerPolicy,
        () => (req.stream === true ? streamed(body, reqOptions, model) : created(body, reqOptions, model)),
        () => {
          stats.brokerRetries++;
        },
        req.signal,
      );
      const usage = toUsage(message.usage);
      const text = message.content.map((c) => c.text ?? '').join('');
      const attempts = registry.get(callId)?.attempts ?? 1;
      ok = true;
      return {
        text: prefill === undefined ? text : `${prefill}${text}`,
        model,
        usage,
        stopReason: message.stop_reason,
        attempts,
        latencyMs: performance.now() - t0,
        costUsd: price(model, usage),
      };
    } catch (err) {
      stats.failedCalls++;
      const status = (err as { status?: number }).status;
      throw new LoadlabError(
        LLM_ERRORS.CALL_FAILED,
        `LLM call (${req.role}, ${model}) failed after ${registry.get(callId)?.attempts ?? 0} attempt(s)${status === undefined ? '' : `: HTTP ${status}`}`,
        {
          hint: 'the provider kept failing past the SDK retries (maxRetries); check the mock profile error rates or the provider status',
          cause: err,
        },
      );
    } finally {
      stats.inFlight--;
      const reg = registry.get(callId);
      if (reg !== undefined && reg.attempts > 1 && reg.lastAttemptAt !== undefined) stats.retryWaitMs += reg.lastAttemptAt - t0;
      registry.delete(callId);
      if (listeners.size > 0) notify({ model, role: req.role, latencyMs: performance.now() - t0, ok });
    }
  }

  async function created(body: object, reqOptions: object, model: string): Promise<MessageLike> {
    if (!DEPRECATED_MODEL_IDS.has(model)) {
      return (await sdk.messages.create(body as Anthropic.MessageCreateParamsNonStreaming, reqOptions)) as MessageLike;
    }
    warnOnce(model);
    // Same request path (retries, timeouts, errors) minus messages.create's per-call console.warn.
    return sdk.post<MessageLike>('/v1/messages', { body, ...reqOptions });
  }

  async function streamed(body: object, reqOptions: object, model: string): Promise<MessageLike> {
    if (DEPRECATED_MODEL_IDS.has(model)) warnOnce(model);
    const stream = DEPRECATED_MODEL_IDS.has(model)
      ? await sdk.post<AsyncIterable<Anthropic.RawMessageStreamEvent>>('/v1/messages', {
          body: { ...body, stream: true },
          stream: true,
          ...reqOptions,
        })
      : await sdk.messages.create({ ...(body as Anthropic.MessageCreateParamsNonStreaming), stream: true }, reqOptions);
    let text = '';
    let usage: MessageLike['usage'] = { input_tokens: 0, output_tokens: 0 };
    let stop: string | null = null;
    for await (const ev of stream) {
      if (ev.type === 'message_start') usage = { ...ev.message.usage };
      else if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      else if (ev.type === 'message_delta') {
        usage = { ...usage, output_tokens: ev.usage.output_tokens };
        stop = ev.delta.stop_reason;
      }
    }
    return { content: [{ type: 'text', text }], usage, stop_reason: stop, model };
  }

  function warnOnce(model: string): void {
    if (warned.has(model)) return;
    warned.add(model);
    options.logger?.warn(
      { model },
      'model id is deprecated by the SDK (selected by config, e.g. the audited model set); warning once instead of per call',
    );
  }

  async function embed(texts: readonly string[], context: CallContext): Promise<EmbeddingResult> {
    const model = options.embeddingModel ?? LLM_DEFAULTS.embeddingModel;
    const callId = randomUUID();
    const reg = { provider: 'voyage' as const, model, operation: 'embedding', context, attempts: 0 };
    registry.set(callId, reg);
    stats.embeddingRequests++;
    stats.embeddedTexts += texts.length;
    enter();
    const maxRetries = options.embeddingMaxRetries ?? LLM_DEFAULTS.embeddingMaxRetries;
    let delay = options.embeddingInitialDelayMs ?? LLM_DEFAULTS.embeddingInitialDelayMs;
    try {
      for (;;) {
        let res: Response | undefined;
        let failure: unknown;
        try {
          res = await observed(options.voyageUrl ?? LLM_DEFAULTS.voyageUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${options.voyageApiKey ?? ''}`,
              [CALL_ID_HEADER]: callId,
            },
            body: JSON.stringify({ input: texts, model, input_type: 'document' }),
          });
        } catch (err) {
          failure = err;
        }
        if (res?.ok === true) {
          const json = (await res.json()) as { data: { embedding: number[]; index: number }[]; usage?: { total_tokens?: number } };
          const vectors = new Array<Float32Array>(texts.length);
          for (const d of json.data) vectors[d.index] = Float32Array.from(d.embedding);
          return { vectors, tokens: json.usage?.total_tokens ?? 0, attempts: reg.attempts };
        }
        const retryable = res === undefined || res.status === 429 || res.status >= 500;
        if (!retryable || reg.attempts > maxRetries) {
          throw new LoadlabError(
            LLM_ERRORS.EMBEDDING_FAILED,
            `embedding request failed after ${reg.attempts} attempt(s)${res === undefined ? '' : `: HTTP ${res.status}`}`,
            { cause: failure },
          );
        }
        // §10.2: 0.5 s x2 backoff between attempts (scaled with the mock's clock).
        if (delay * scale >= 0.5) await sleepMs(delay * scale);
        delay *= 2;
      }
    } finally {
      stats.inFlight--;
      registry.delete(callId);
    }
  }

  const onCall = (listener: (call: LlmCallObservation) => void): (() => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return { complete, embed, onCall, stats: () => ({ ...stats, callsByModel: { ...stats.callsByModel } }), models: options.models, sdk };
}

function toUsage(u: MessageLike['usage']): TokenUsage {
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheCreationTokens: u.cache_creation_input_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
  };
}
