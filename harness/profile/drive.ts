import type { K6EndpointName } from '../k6/index.js';
import { runHttpLoad, type HttpLoadResult } from '../load/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

/** One endpoint of the mix and its share of the connections. */
interface MixEntry {
  name: K6EndpointName;
  path: (sessionId: string) => string;
  weight: number;
}

// No seeded tags on serve's fresh database: the filter still plans and runs its SQL (the path
// being profiled) and matches nothing. Profile a seeded server for realistic row counts.
const TAGS = '00000000-0000-4000-8000-000000000001,00000000-0000-4000-8000-000000000002';

/**
 * The read endpoints of the http-load scenario, weighted as bo1's BrowsingUser (sessions 5 :
 * actions 3 : health 1, §9.1; detail counted with sessions). Session create/start/stream are left
 * out: the mock deliberations they start would dominate the profile with LLM-mock work.
 */
export const HTTP_LOAD_MIX: readonly MixEntry[] = [
  { name: 'list_sessions', path: () => '/api/v1/sessions?limit=50', weight: 3 },
  { name: 'session_detail', path: (id) => `/api/v1/sessions/${id}`, weight: 2 },
  { name: 'actions_by_tags', path: () => `/api/v1/actions?tag_ids=${TAGS}&limit=50`, weight: 3 },
  { name: 'health', path: () => '/api/health', weight: 1 },
];

export interface EndpointLoad {
  name: K6EndpointName;
  path: string;
  connections: number;
  result: HttpLoadResult;
}

/** Creates sessions for the demo user so listing and detail return rows; returns their ids. */
export async function createSessions(baseUrl: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await fetch(`${baseUrl}/api/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ problem_statement: `Profiling session ${i + 1}: should we expand into a new market next year?` }),
    });
    const body = (await res.json().catch(() => ({}))) as { id?: string };
    if (res.status !== 201 || typeof body.id !== 'string') {
      throw new LoadlabError(HARNESS_ERRORS.PROFILE_FAILED, `POST /api/v1/sessions answered ${res.status} while preparing the profile`);
    }
    ids.push(body.id);
  }
  return ids;
}

/** Polls /api/health until it answers 200 (serve prints its URL just before it can answer). */
export async function waitForHealth(baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && signal?.aborted !== true) {
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new LoadlabError(HARNESS_ERRORS.PROFILE_FAILED, `${baseUrl}/api/health did not answer 200 within ${timeoutMs / 1000} s (${last})`);
}

/** Splits the connections by weight (at least one each) and drives every endpoint at once for the duration. */
export async function driveMix(opts: {
  baseUrl: string;
  token: string;
  sessionId: string;
  durationSec: number;
  connections: number;
  signal?: AbortSignal;
}): Promise<EndpointLoad[]> {
  const total = HTTP_LOAD_MIX.reduce((a, e) => a + e.weight, 0);
  const runs = HTTP_LOAD_MIX.map(async (e): Promise<EndpointLoad> => {
    const connections = Math.max(1, Math.round((opts.connections * e.weight) / total));
    const path = e.path(opts.sessionId);
    const result = await runHttpLoad({
      url: `${opts.baseUrl}${path}`,
      headers: { authorization: `Bearer ${opts.token}` },
      connections,
      durationSec: opts.durationSec,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    return { name: e.name, path, connections, result };
  });
  return Promise.all(runs);
}
