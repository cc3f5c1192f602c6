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
    const response = await getResponse(list, request);
    return response ?? new Response(JSON.stringify({ type: 'error', error: { type: 'not_mocked', message: `no mock handler for ${request.method} ${request.url}` } }), { status: 404, headers: { 'content-type': 'application/json' } });
  };
}
