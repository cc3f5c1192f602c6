import { HttpResponse } from 'msw';
import type { MockFaultSettings } from './handlers.js';
import type { MockFault, MockProfile } from './profiles.js';

/** Injected faults (schedule, then rates) and the API's error responses. */

export function pickFault(faults: Required<MockFaultSettings>, callIndex: number, rand: () => number): MockFault | undefined {
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

export function faultKey(f: MockFault): string {
  return f.kind === 'hang' ? 'hang' : String(f.status);
}

const ERROR_TYPES: Record<number, string> = { 429: 'rate_limit_error', 529: 'overloaded_error' };

/**
 * The API's error body with retry-after. `retry-after` is whole provider seconds, as the real API
 * sends; `retry-after-ms` carries the wait scaled to the mock's clock, and the SDK reads it
 * first, so its backoff follows time compression (the real API does not send it).
 */
export function errorResponse(
  status: number,
  message: string,
  retryAfterProviderMs: number,
  timeScale: number,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return HttpResponse.json(
    { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } },
    {
      status,
      headers: {
        ...headers,
        'retry-after': String(Math.max(1, Math.round(retryAfterProviderMs / 1000))),
        'retry-after-ms': String(Math.max(1, Math.round(retryAfterProviderMs * timeScale))),
      },
    },
  );
}

export async function faultResponse(fault: MockFault, profile: MockProfile, signal: AbortSignal): Promise<Response> {
  if (fault.kind === 'hang') {
    // Held until the client gives up (its timeout aborts the request), as a stuck upstream would.
    await new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    throw new Error('unreachable');
  }
  return errorResponse(fault.status, `mock ${fault.status}`, fault.retryAfterMs ?? profile.retryAfterMs, profile.timeScale);
}
