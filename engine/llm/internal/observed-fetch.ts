import { randomUUID } from 'node:crypto';
import type { CallContext, CostSink, Provider, TokenUsage } from '../types.js';

export const CALL_ID_HEADER = 'x-loadlab-call';

export interface CallRegistration {
  readonly provider: Provider;
  readonly model: string;
  readonly operation: string;
  readonly context: CallContext;
  attempts: number;
  /** `now()` when the latest attempt started: what came before it was spent on retries. */
  lastAttemptAt?: number;
}

/** Calls in flight by id; the wrapper finds its attempt's attribution here. */
export type CallRegistry = Map<string, CallRegistration>;

const ZERO: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0 };

/**
 * Wraps a fetch so every HTTP attempt (the SDK's retries included) is observed once: status,
 * latency, usage. The body is read once here and handed on as a fresh Response, which is cheaper
 * than `clone()` (a tee) and keeps the SDK's parsing unchanged. Streams are passed through a
 * TransformStream that picks the usage out of message_start / message_delta frames.
 */
export function observeFetch(
  inner: typeof fetch,
  registry: CallRegistry,
  sink: CostSink,
  now: () => number = performance.now.bind(performance),
): typeof fetch {
  return async (input, init) => {
    const callId = headerOf(init?.headers, CALL_ID_HEADER);
    const call = callId === undefined ? undefined : registry.get(callId);
    if (call === undefined || callId === undefined) return inner(input, init);
    call.attempts++;
    const attempt = call.attempts;
    const startedAt = new Date();
    const t0 = now();
    call.lastAttemptAt = t0;
    const emit = (status: 'success' | 'error', httpStatus: number, usage: TokenUsage, error?: string) => {
      sink.record({
        requestId: randomUUID(),
        callId,
        attempt,
        provider: call.provider,
        model: call.model,
        operation: call.operation,
        status,
        httpStatus,
        latencyMs: now() - t0,
        usage,
        context: call.context,
        startedAt,
        ...(error === undefined ? {} : { error }),
      });
    };
    let res: Response;
    try {
      res = await inner(input, init);
    } catch (err) {
      emit('error', 0, ZERO, err instanceof Error ? err.name : 'fetch_failed');
      throw err;
    }
    if (!res.ok) {
      emit('error', res.status, ZERO, `http_${res.status}`);
      return res;
    }
    if (res.body !== null && (res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      return new Response(res.body.pipeThrough(usageTap((usage) => emit('success', res.status, usage))), {
        status: res.status,
        headers: res.headers,
      });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      emit('error', res.status, ZERO, err instanceof Error ? err.name : 'body_failed');
      throw err;
    }
    emit('success', res.status, call.provider === 'anthropic' ? anthropicUsage(text) : voyageUsage(text));
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function headerOf(headers: RequestInit['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (Array.isArray(headers)) return headers.find((h) => h[0]?.toLowerCase() === name)?.[1];
  const rec = headers as Record<string, string | undefined>;
  return rec[name];
}

/** Parses only the `usage` object (the tail of a Messages response), not the whole body. */
function anthropicUsage(text: string): TokenUsage {
  const at = text.lastIndexOf('"usage"');
  if (at < 0) return ZERO;
  const start = text.indexOf('{', at);
  const end = text.indexOf('}', start);
  if (start < 0 || end < 0) return ZERO;
  try {
    return fromAnthropic(JSON.parse(text.slice(start, end + 1)) as Record<string, number | null>);
  } catch {
    return ZERO;
  }
}

function fromAnthropic(u: Record<string, number | null | undefined>): TokenUsage {
  return {
    inputTokens: u['input_tokens'] ?? 0,
    outputTokens: u['output_tokens'] ?? 0,
    cacheCreationTokens: u['cache_creation_input_tokens'] ?? 0,
    cacheReadTokens: u['cache_read_input_tokens'] ?? 0,
  };
}

function voyageUsage(text: string): TokenUsage {
  const m = /"total_tokens"\s*:\s*(\d+)/.exec(text.slice(-200));
  return { ...ZERO, inputTokens: m?.[1] === undefined ? 0 : Number(m[1]) };
}

function usageTap(done: (usage: TokenUsage) => void): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let buffered = '';
  let usage: TokenUsage = ZERO;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    done(usage);
  };
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('data: ') || !line.includes('"usage"')) continue;
        try {
          const ev = JSON.parse(line.slice(6)) as {
            type: string;
            message?: { usage?: Record<string, number> };
            usage?: Record<string, number>;
          };
          if (ev.type === 'message_start' && ev.message?.usage) usage = fromAnthropic(ev.message.usage);
          if (ev.type === 'message_delta' && ev.usage) usage = { ...usage, outputTokens: ev.usage['output_tokens'] ?? usage.outputTokens };
        } catch {
          // A malformed frame is the SDK's to report; usage stays as last seen.
        }
      }
    },
    flush() {
      report();
    },
  });
}
