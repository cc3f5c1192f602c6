import { getResponse, type RequestHandler } from 'msw';

/**
 * A `fetch` that resolves requests against msw handlers with `getResponse`: no global patching,
 * so a test or the engine can hold several independent mocks in one process. A request no handler
 * matches gets a 404 (not retried) rather than leaking to the network.
 */
export function createMockFetch(handlers: readonly RequestHandler[]): typeof fetch {
  const list = [...handlers];
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const signal = init?.signal ?? request.signal;
    const response = await untilAborted(getResponse(list, request), signal);
    if (response !== undefined) return abortableBody(response, signal);
    return new Response(
      JSON.stringify({ type: 'error', error: { type: 'not_mocked', message: `no mock handler for ${request.method} ${request.url}` } }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
  };
}

/**
 * Rejects as soon as the caller aborts, as a real fetch does, whatever the handler is doing: a
 * client timeout must always end an attempt, even one the mock holds on purpose (`hang`).
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (signal === null || signal === undefined) return pending;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * A real fetch also aborts the body of a response already returned: a stream being read fails at
 * once with the abort reason. Without this, a cancelled streaming call (an evicted session) would
 * wait for the mock's next token, which at token-rate latencies can be seconds away.
 */
function abortableBody(response: Response, signal: AbortSignal | null | undefined): Response {
  if (signal === null || signal === undefined || response.body === null) return response;
  const reader = response.body.getReader();
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await Promise.race([reader.read(), aborted]);
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      } catch (err) {
        controller.error(err);
        void reader.cancel(err).catch(() => undefined);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
