import { createEngine } from '../../../engine/index.js';
import { ENGINE_ERRORS } from '../../../engine/errors/index.js';
import { currentSpanId, withSpan } from '../../../engine/db/index.js';
import { runOpenModel, type LoadResult } from '../../../harness/load/index.js';
import { startResourceSampler, type Recorder, type ResourceSamples } from '../../../harness/metrics/index.js';
import type pg from 'pg';
import { DemandLog, type DemandPeaks } from './demand.js';
import { checkoutKind, countQueueing, QUEUE_THRESHOLD_MS, waitQuantile, type Checkout, type SessionQueueing } from './queueing.js';
import { WAIT_THRESHOLD_MS } from './demand-claims.js';

export interface RoundInput {
  poolMax: number;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  sessions: number;
  timeScale: number;
  problems: readonly string[];
  /** Users whose listings and actions the API traffic reads (heaviest first). */
  apiUsers: readonly string[];
  apiRatePerSec: number;
  signal: AbortSignal;
  recorder: Recorder;
  label: string;
}

export interface RoundResult {
  wallMs: number;
  completed: number;
  failed: number;
  /** Sessions whose failure was a pool checkout timeout (LL_DB_POOL_TIMEOUT). */
  poolTimeouts: number;
  errorsByCode: Record<string, number>;
  /** Sessions that queued behind a full pool (over QUEUE_THRESHOLD_MS) or failed, each once (C21). */
  queueing: SessionQueueing;
  /** Checkout waits by how the pool served them, ms: idle p99 (the hand-over time), max to open a new connection, max in the queue. */
  checkoutWaits: { idleP99: number; openMax: number; queueMax: number };
  maxWaiting: number;
  maxTotal: number;
  /** Statement time attributed to sessions (no API span), ms: the connection demand they create. */
  sessionDbMs: number;
  /** Pool wait of session statements, ms (real time: not scaled). */
  sessionWaitMs: number;
  /** Statement time of the API reads, ms, and how many reads ran: their hold time per request. */
  apiDbMs: number;
  /** Mean session duration, wall ms (time-scaled). */
  meanSessionMs: number;
  /** Connections asked for or held at once, from the tracer (exact, unlike the 100 ms samples). */
  demand: DemandPeaks;
  /** Longest pool wait of one session statement, ms. */
  maxSessionWaitMs: number;
  /** Most connections the pool had open (or opening) at once, read at every new connection. */
  maxOpened: number;
  api: LoadResult;
  samples: ResourceSamples;
}

/**
 * One round: an engine with `poolMax`, N sessions started at once (the session cap is 50) while
 * an open-model stream of API-shaped reads runs on the same pool, until every session ended.
 * Each session runs under its own span so the tracer can attribute pool waits to it.
 */
export async function runRound(o: RoundInput): Promise<RoundResult> {
  const engine = await createEngine({
    config: {
      databaseUrl: o.databaseUrl,
      redisUrl: o.redisUrl,
      redisKeyPrefix: o.prefix,
      variant: 'audited',
      db: { poolMax: o.poolMax },
      llm: { mockProfile: 'realistic', timeScale: o.timeScale },
      deliberation: { subProblems: 1 },
    },
  });
  const checkouts: Checkout[] = [];
  watchCheckouts(engine.db.pool, (c) => checkouts.push(c));
  let sessionDbMs = 0;
  let sessionWaitMs = 0;
  let apiDbMs = 0;
  let maxSessionWaitMs = 0;
  const demand = new DemandLog();
  let maxOpened = 0;
  engine.db.pool.on('connect', () => {
    maxOpened = Math.max(maxOpened, engine.db.pool.totalCount);
  });
  engine.db.setTracer((t) => {
    demand.add(t, performance.now());
    const span = t.parentSpanId;
    if (span?.startsWith('api:') === true) apiDbMs += t.durationMs;
    else if (span !== undefined) {
      sessionDbMs += t.durationMs;
      sessionWaitMs += t.acquireMs;
    }
    if (span === undefined) sessionDbMs += t.durationMs;
    // Background statements (no span: cost and event flushes) are session work too.
    if (span?.startsWith('api:') !== true) maxSessionWaitMs = Math.max(maxSessionWaitMs, t.acquireMs);
    // Statements inside a transaction report 0: they reuse the connection BEGIN acquired.
    if (t.acquireMs > 0) o.recorder.record(`pool.acquire_wait.${o.label}`, t.acquireMs);
  });
  const sampler = startResourceSampler({
    intervalMs: 100,
    pool: () => engine.db.metrics(),
    gauges: { 'sessions running': () => engine.metrics().sessions.running },
  });
  const t0 = performance.now();
  const errorsByCode: Record<string, number> = {};
  let completed = 0;
  let failed = 0;
  let poolTimeouts = 0;
  let durations = 0;
  try {
    const ids: string[] = [];
    for (let i = 0; i < o.sessions; i++) {
      const { id } = await engine.createSession({
        userId: `${o.prefix}u${i % 10}`,
        problem: o.problems[i % o.problems.length] ?? 'Should we expand into a second market this year?',
      });
      ids.push(id);
    }
    const startedAt = performance.now();
    const done = ids.map((id) => withSpan(id, () => engine.startSession(id)));
    let finished = false;
    const all = Promise.all(done).finally(() => {
      finished = true;
    });
    const heavy = o.apiUsers;
    const api = await runOpenModel({
      ratePerSec: o.apiRatePerSec,
      durationMs: 600_000,
      signal: AbortSignal.any([o.signal, untilTrue(() => finished)]),
      op: async (i) =>
        withSpan(`api:${i}`, async () => {
          const user = heavy[i % heavy.length] as string;
          // bo1 Locust BrowsingUser weights: 5 list sessions : 3 list actions.
          if (i % 8 < 5) {
            const rows = await engine.repositories.sessions.listByUser(user, { limit: 10 });
            const first = rows[0];
            if (first !== undefined) await engine.repositories.sessions.get(first.id);
          } else {
            await engine.repositories.actions.getByUser(user, { limit: 100 });
          }
        }),
    });
    const outcomes = await all;
    const endedAt = performance.now();
    const queueing = countQueueing(
      ids.map((id, i) => ({ id, failed: outcomes[i]?.status !== 'completed' })),
      checkouts,
      { thresholdMs: QUEUE_THRESHOLD_MS, longMs: WAIT_THRESHOLD_MS },
    );
    for (const r of outcomes) {
      durations += r.durationMs;
      if (r.status === 'completed') completed++;
      else {
        failed++;
        errorsByCode[r.error.code] = (errorsByCode[r.error.code] ?? 0) + 1;
        if (r.error.code === ENGINE_ERRORS.DB_POOL_TIMEOUT) poolTimeouts++;
      }
    }
    const wallMs = performance.now() - t0;
    const samples = sampler.stop();
    const series = (name: string): number =>
      Math.max(0, ...(samples.series.find((s) => s.name === name)?.points.map((p) => p.value) ?? [0]));
    return {
      wallMs,
      completed,
      failed,
      poolTimeouts,
      errorsByCode,
      queueing,
      checkoutWaits: {
        idleP99: waitQuantile(checkouts, 'idle', 0.99),
        openMax: waitQuantile(checkouts, 'open', 1),
        queueMax: waitQuantile(checkouts, 'queue', 1),
      },
      maxWaiting: series('pool waiting'),
      maxTotal: series('pool total'),
      sessionDbMs,
      sessionWaitMs,
      apiDbMs,
      meanSessionMs: durations / Math.max(1, outcomes.length),
      demand: demand.peaks(startedAt, endedAt),
      maxSessionWaitMs,
      maxOpened,
      api,
      samples,
    };
  } finally {
    sampler.stop();
    await engine.close();
  }
}

/**
 * Records every checkout of `pool` with the pool's state when it was asked for: the engine's
 * tracer gives only the wait, which also covers opening a new connection below max (not
 * queueing), and it cannot see the pool at request time. Wraps the instance's connect() from
 * outside the engine; Db.acquire is the only caller and uses the promise form. The callback form
 * (pg's pool.query) passes through unrecorded.
 */
export function watchCheckouts(
  pool: Pick<pg.Pool, 'connect' | 'totalCount' | 'idleCount' | 'waitingCount' | 'options'>,
  onCheckout: (c: Checkout) => void,
  now: () => number = () => performance.now(),
): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  const watched = (...args: unknown[]): unknown => {
    if (args.length > 0) return connect(...args);
    const kind = checkoutKind({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 });
    const span = currentSpanId();
    const at = now();
    const done = (): void => onCheckout({ span, kind, at, waitMs: now() - at });
    return (connect() as Promise<unknown>).then(
      (client) => {
        done();
        return client;
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
  };
  Object.defineProperty(pool, 'connect', { value: watched, configurable: true, writable: true });
}

/** An AbortSignal that fires once `check` returns true (polled every 50 ms). */
function untilTrue(check: () => boolean): AbortSignal {
  const ac = new AbortController();
  const t = setInterval(() => {
    if (check()) {
      clearInterval(t);
      ac.abort();
    }
  }, 50);
  t.unref();
  return ac.signal;
}
