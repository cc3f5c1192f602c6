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
    const response = await untilAborted(getResponse(list, request), init?.signal ?? request.signal);
    return response ?? new Response(JSON.stringify({ type: 'error', error: { type: 'not_mocked', message: `no mock handler for ${request.method} ${request.url}` } }), { status: 404, headers: { 'content-type': 'application/json' } });
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
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
