import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createEngine, type Engine } from '../../../engine/index.js';
import type { Variant } from '../../../engine/config/index.js';
import type { EvictionRecord } from '../../../engine/sessions/index.js';
import type { Logger } from '../../../engine/log/index.js';
import type { TimelineMark, TimePoint } from '../../../harness/result/index.js';

export interface RoundOptions {
  variant: Variant;
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  sessions: number;
  cap: number;
  graceMs: number;
  staggerMs: number;
  mockProfile: string;
  timeScale: number;
  poolMax: number;
  logger: Logger;
  signal: AbortSignal;
  /** ms since the scenario started, for timelines. */
  now: () => number;
}

export interface RoundResult {
  variant: Variant;
  /** Session ids in the order their start was called (the first `cap` are started one by one: manager start order). */
  order: string[];
  /** ms from the start call until the manager ran the session, by call index (null: never started). */
  startMs: (number | null)[];
  evictions: EvictionRecord[];
  /** Per evicted session: ms from the eviction decision until its run ended. */
  stopAfterMs: Map<string, number>;
  outcomes: Map<string, string>;
  maxActive: number;
  maxInMemory: number;
  peakWaiting: number;
  /** Victims without a persisted eviction_warning event / with a status other than evicted. */
  warningsMissing: number;
  statusMismatches: number;
  series: { active: TimePoint[]; evicting: TimePoint[]; waitingStarts: TimePoint[] };
  marks: TimelineMark[];
  /** Phase durations of the round (ms): filling to the cap one by one, and the whole round. */
  fillMs: number;
  totalMs: number;
  /** Engine shutdown with the remaining sessions aborted (events and costs flushed). */
  closeMs: number;
}

// Sessions vary in length so the heuristic complexity (and thus the run time) varies a little.
const PROBLEMS = [
  'Should we raise prices for our small-business plan this spring?',
  'Which of our three candidate markets should we enter first next year, given a small sales team and a product that still needs localisation?',
  'How should we staff the support team for the holiday season?',
];

/**
 * One round: `sessions` deliberations started `staggerMs` apart against a cap of `cap`, each
 * start timed until the SessionManager runs it (polled every 2 ms), capacity sampled, then every
 * eviction checked (order, warning event, status, stop after the grace period).
 */
export async function runRound(o: RoundOptions): Promise<RoundResult> {
  const engine = await createEngine({
    config: {
      variant: o.variant,
      databaseUrl: o.databaseUrl,
      redisUrl: o.redisUrl,
      redisKeyPrefix: o.keyPrefix,
      // The pool is not what this scenario compares (pool-exhaustion does): one modest size for both
      // variants keeps the shared PostgreSQL below max_connections.
      db: { poolMax: o.poolMax },
      sessions: { maxConcurrent: o.cap, gracePeriodMs: o.graceMs },
      llm: { mockProfile: o.mockProfile, timeScale: o.timeScale },
    },
    logger: o.logger,
  });
  let r: RoundResult | undefined;
  try {
    r = await drive(engine, o);
    return r;
  } finally {
    const t = performance.now();
    await engine.close().catch(() => undefined);
    if (r !== undefined) r.closeMs = performance.now() - t;
  }
}

async function drive(engine: Engine, o: RoundOptions): Promise<RoundResult> {
  const ids = await Promise.all(
    Array.from(
      { length: o.sessions },
      async (_, i) => (await engine.createSession({ userId: `cs_user_${i % 7}`, problem: PROBLEMS[i % PROBLEMS.length]! })).id,
    ),
  );
  const calledAt: number[] = [];
  const startMs: (number | null)[] = ids.map(() => null);
  const endedAt = new Map<string, number>();
  const outcomes = new Map<string, string>();
  const r: RoundResult = {
    variant: o.variant,
    order: ids,
    startMs,
    evictions: [],
    stopAfterMs: new Map(),
    outcomes,
    maxActive: 0,
    maxInMemory: 0,
    peakWaiting: 0,
    warningsMissing: 0,
    statusMismatches: 0,
    series: { active: [], evicting: [], waitingStarts: [] },
    marks: [],
    fillMs: 0,
    totalMs: 0,
    closeMs: 0,
  };
  const t0 = performance.now();
  let lastSample = 0;
  const poll = setInterval(() => {
    const active = new Set(engine.sessions.activeIds());
    const now = performance.now();
    ids.forEach((id, i) => {
      const at = calledAt[i];
      if (startMs[i] === null && at !== undefined && (active.has(id) || outcomes.has(id))) startMs[i] = now - at;
    });
    const s = engine.sessions.stats();
    r.maxActive = Math.max(r.maxActive, s.active);
    r.maxInMemory = Math.max(r.maxInMemory, s.active + s.evicting);
    r.peakWaiting = Math.max(r.peakWaiting, s.waitingStarts);
    if (now - lastSample >= 20) {
      lastSample = now;
      const t = Math.round(o.now());
      r.series.active.push({ t, value: s.active });
      r.series.evicting.push({ t, value: s.evicting });
      r.series.waitingStarts.push({ t, value: s.waitingStarts });
    }
  }, 2);
  try {
    const begin = (i: number): void => {
      const id = ids[i]!;
      calledAt[i] = performance.now();
      void engine.startSession(id).then((out) => {
        endedAt.set(id, performance.now());
        outcomes.set(id, out.status);
      });
    };
    // Fill to the cap one start at a time, so the manager's start order is known exactly (the
    // FIFO reference); then the starts beyond the cap arrive together, staggerMs apart.
    for (let i = 0; i < Math.min(o.cap, ids.length); i++) {
      begin(i);
      const id = ids[i]!;
      await waitUntil(() => engine.sessions.wait(id) !== undefined || outcomes.has(id), 10_000, o.signal, 1);
    }
    r.fillMs = performance.now() - t0;
    const runs = ids.slice(o.cap).map(async (_id, k) => {
      if (k > 0) await sleep(o.staggerMs * k);
      o.signal.throwIfAborted();
      begin(o.cap + k);
    });
    void Promise.allSettled(runs);
    await waitUntil(
      () => startMs.every((s) => s !== null),
      o.staggerMs * o.sessions + (o.sessions - o.cap + 2) * o.graceMs * 3 + 10_000,
      o.signal,
    );
    r.evictions = [...engine.sessions.evictionLog()];
    const victims = r.evictions.map((e) => e.sessionId);
    await waitUntil(() => victims.every((v) => endedAt.has(v)), o.graceMs * 3 + 10_000, o.signal);
  } finally {
    clearInterval(poll);
  }
  // The manager's clock is epoch time; this module's marks are on performance.now().
  const toPerf = (epochMs: number): number => epochMs - Date.now() + performance.now();
  for (const e of r.evictions) {
    const end = endedAt.get(e.sessionId);
    if (end !== undefined) r.stopAfterMs.set(e.sessionId, end - toPerf(e.evictedAt));
    r.marks.push({
      t: Math.round(o.now() - (performance.now() - toPerf(e.evictedAt))),
      label: `evict ${e.sessionId.slice(0, 12)}`,
      kind: 'event',
    });
  }
  await engine.events.flush();
  await checkVictims(engine, o.databaseUrl, r);
  r.totalMs = performance.now() - t0;
  return r;
}

async function checkVictims(engine: Engine, databaseUrl: string, r: RoundResult): Promise<void> {
  const victims = r.evictions.map((e) => e.sessionId);
  if (victims.length === 0) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a server going away must not crash the process
  await client.connect();
  try {
    const warned = await client.query<{ id: string }>(
      "SELECT DISTINCT session_id AS id FROM session_events WHERE session_id = ANY($1) AND event_type = 'eviction_warning'",
      [victims],
    );
    const have = new Set(warned.rows.map((w) => w.id));
    r.warningsMissing = victims.filter((v) => !have.has(v)).length;
    const st = await client.query<{ id: string; status: string }>('SELECT id, status FROM sessions WHERE id = ANY($1)', [victims]);
    const pgStatus = new Map(st.rows.map((x) => [x.id, x.status]));
    for (const v of victims) {
      const meta = await engine.sessions.metadata(v);
      if (pgStatus.get(v) !== 'evicted' || meta?.['status'] !== 'evicted') r.statusMismatches += 1;
    }
  } finally {
    await client.end();
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, signal: AbortSignal, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond() && performance.now() < deadline) {
    signal.throwIfAborted();
    await sleep(everyMs);
  }
}
