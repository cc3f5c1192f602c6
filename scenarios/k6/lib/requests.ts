import { check, fail } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import { STREAM_TIMEOUT, TAG_IDS, TARGET, TOKENS } from './config.ts';

/** Data setup() hands to every iteration: per token, the session ids that user owns. */
export interface SetupData {
  sessions: string[][];
}

// bo1's load test creates sessions from five sample problems (§9.1); any text of 10+ chars works.
const PROBLEMS = [
  'Should we expand our B2B SaaS product into the German market next year?',
  'How should a 12-person startup split its budget between sales and engineering?',
  'Is it time to move our monolith to services, or fix the monolith first?',
  'Which pricing model fits a developer tool with a strong free tier?',
  'How do we cut cloud costs by 30% without slowing the roadmap?',
];

// Used when no --tag-ids were exported: the filter still runs its SQL, but matches nothing.
const PLACEHOLDER_TAGS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];

const sseEvents = new Counter('loadlab_sse_events');

const api = (path: string): string => `${TARGET}/api/v1${path}`;

/** Each VU sticks to one user: VU n uses token n mod count (setup runs as VU 0). */
function tokenIndex(): number {
  return TOKENS.length === 0 ? 0 : __VU % TOKENS.length;
}

function params(name: string, token: string, extra: { headers?: Record<string, string>; timeout?: string } = {}) {
  return {
    headers: { Authorization: `Bearer ${token}`, ...extra.headers },
    tags: { name },
    ...(extra.timeout === undefined ? {} : { timeout: extra.timeout }),
  };
}

function field<T>(res: RefinedResponse<ResponseType | undefined>, key: string): T | undefined {
  try {
    const body = res.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? ((body as Record<string, unknown>)[key] as T) : undefined;
  } catch {
    return undefined;
  }
}

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

function createSession(token: string): string | undefined {
  const res = http.post(
    api('/sessions'),
    JSON.stringify({ problem_statement: pick(PROBLEMS) ?? PROBLEMS[0] }),
    params('create_session', token, { headers: { 'Content-Type': 'application/json' } }),
  );
  const ok = check(res, { 'create_session 201': (r) => r.status === 201 });
  return ok ? field<string>(res, 'id') : undefined;
}

/** setup(): the session ids of every user, creating a few for users that have none, so detail reads real rows. */
export function prepareSessions(): SetupData {
  if (TOKENS.length === 0) fail('no bearer token: export with --token (loadlab serve prints a demo token) or set LOADLAB_TOKEN');
  const sessions = TOKENS.map((token) => {
    const res = http.get(api('/sessions?limit=100'), params('list_sessions', token));
    if (res.status !== 200)
      fail(`GET /api/v1/sessions answered ${res.status} for a configured token: is ${TARGET} a loadlab serve and the token valid?`);
    let ids = (field<{ id: string }[]>(res, 'sessions') ?? []).map((s) => s.id);
    if (ids.length === 0) ids = [0, 1, 2, 3, 4].map(() => createSession(token)).filter((id): id is string => id !== undefined);
    return ids;
  });
  return { sessions };
}

export function listSessions(): void {
  const res = http.get(api('/sessions?limit=50'), params('list_sessions', TOKENS[tokenIndex()] ?? ''));
  check(res, {
    'list_sessions 200': (r) => r.status === 200,
    'list_sessions has sessions[]': (r) => Array.isArray(field(r, 'sessions')),
  });
}

export function sessionDetail(data: SetupData): void {
  const i = tokenIndex();
  const id = pick(data.sessions[i] ?? []);
  if (id === undefined) fail('setup found no session to read for this token');
  const res = http.get(api(`/sessions/${id}`), params('session_detail', TOKENS[i] ?? ''));
  check(res, { 'session_detail 200': (r) => r.status === 200 && field(r, 'id') === id });
}

export function actionsByTags(): void {
  const tags = TAG_IDS.length > 0 ? TAG_IDS : PLACEHOLDER_TAGS;
  // 1..n tags: AND semantics, so more tags means a narrower, differently planned query.
  const n = 1 + Math.floor(Math.random() * Math.min(tags.length, 3));
  const res = http.get(
    api(`/actions?tag_ids=${tags.slice(0, n).join(',')}&limit=50`),
    params('actions_by_tags', TOKENS[tokenIndex()] ?? ''),
  );
  check(res, {
    'actions_by_tags 200': (r) => r.status === 200,
    'actions_by_tags has actions[]': (r) => Array.isArray(field(r, 'actions')),
  });
}

/**
 * create -> start -> stream. k6 has no SSE client: the stream is one GET whose body k6 reads until
 * the server closes it (after `complete` or `error`), bounded by STREAM_TIMEOUT. Its duration is
 * the whole deliberation; http_req_waiting is the time to the first byte.
 */
export function sessionStream(): void {
  const token = TOKENS[tokenIndex()] ?? '';
  const id = createSession(token);
  if (id === undefined) return;
  const started = http.post(api(`/sessions/${id}/start`), null, params('start_session', token));
  if (!check(started, { 'start_session 202': (r) => r.status === 202 })) return;
  const res = http.get(
    api(`/sessions/${id}/stream`),
    params('stream_session', token, { headers: { Accept: 'text/event-stream' }, timeout: STREAM_TIMEOUT }),
  );
  const body = typeof res.body === 'string' ? res.body : '';
  const events = body.split('\n').filter((line) => line.startsWith('id: ')).length;
  sseEvents.add(events);
  check(res, {
    'stream_session 200': (r) => r.status === 200,
    'stream_session ended with complete': () => /^event: complete$/m.test(body),
  });
}

export function health(): void {
  const res = http.get(`${TARGET}/api/health`, { tags: { name: 'health' } });
  check(res, { 'health 200': (r) => r.status === 200 });
}
