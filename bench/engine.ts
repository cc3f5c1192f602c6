/**
 * npm run bench:engine — engine overhead against the bare SDK through the same mock transport,
 * and heap per active session. Reads DATABASE_URL / REDIS_URL (defaults: the local servers).
 * Last line: one JSON object.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { createEngine } from '../engine/index.js';
import { createMemoryPorts, runDeliberation } from '../engine/deliberation/index.js';
import { createLlmClient, createMockFetch, createMockLlm, MODEL_SETS, resolveMockProfile } from '../engine/llm/index.js';
import { migrate, OPTIMIZATION_NAMES } from '../engine/migrate/index.js';

const ADMIN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_FLIGHT = 50;
const ROUNDS = 3;
const WINDOW_SECONDS = 2;
const ENGINE_SESSIONS = 100;
const HEAP_SESSIONS = 50;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Rate {
  rate: number;
  calls: number;
  seconds: number;
}

const QUESTION = (n: number) => ({
  role: 'persona' as const,
  system: 'You are an adviser.',
  user: `question ${n}`,
  maxTokens: 1000,
  cacheSystem: true,
});

/**
 * The machine is shared, so its load drifts within a run: the SDK and the engine path are measured
 * in alternating windows (ROUNDS x WINDOW_SECONDS each) and each rate is total calls / total time.
 */
async function alternating(databaseUrl: string): Promise<{
  sdk: Rate;
  engine: Rate & { eventsEmitted: number; eventsPersisted: number; costRecords: number; costRecordsPersisted: number };
}> {
  const mock = createMockLlm(resolveMockProfile('instant', { timeScale: 0 }));
  const sdk = new Anthropic({ apiKey: 'k', fetch: createMockFetch(mock.handlers), maxRetries: 0 });
  const engine = await createEngine({
    config: {
      databaseUrl,
      redisUrl: REDIS,
      redisKeyPrefix: `bench_${crypto.randomBytes(3).toString('hex')}:`,
      llm: { mockProfile: 'instant', timeScale: 0 },
    },
  });
  const sessions = await Promise.all(
    Array.from({ length: IN_FLIGHT }, (_, i) => engine.createSession({ userId: `bench_${i % 10}`, problem: 'bench' })),
  );
  const s: Rate = { rate: 0, calls: 0, seconds: 0 };
  const e: Rate = { rate: 0, calls: 0, seconds: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    let t0 = performance.now();
    let end = t0 + WINDOW_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < end) {
          const q = QUESTION(s.calls);
          await sdk.messages.create(
            {
              model: MODEL_SETS.current.core,
              max_tokens: q.maxTokens,
              system: [{ type: 'text', text: q.system, cache_control: { type: 'ephemeral' } }],
              messages: [{ role: 'user', content: q.user }],
            },
            { headers: { 'x-loadlab-role': q.role } },
          );
          s.calls++;
        }
      }),
    );
    s.seconds += (performance.now() - t0) / 1000;

    // Engine path: call through the mock -> cost record (priced, buffered) -> one event; the window
    // closes only when every cost record and event of it is confirmed in PostgreSQL.
    t0 = performance.now();
    end = t0 + WINDOW_SECONDS * 1000;
    await Promise.all(
      sessions.map(async ({ id }) => {
        while (performance.now() < end) {
          const r = await engine.llm.client.complete({ ...QUESTION(e.calls), context: { sessionId: id, userId: 'bench_0' } });
          await engine.publishEvent(id, 'contribution', { content: r.text, tokens: r.usage.outputTokens });
          e.calls++;
        }
      }),
    );
    await Promise.all([engine.costs.flush(), engine.events.flush(60_000)]);
    e.seconds += (performance.now() - t0) / 1000;
  }
  const ev = engine.events.counters();
  const costs = engine.costs.accounting();
  await engine.close();
  if (ev.emitted !== ev.persisted || costs.persisted !== costs.generated)
    throw new Error(`engine path lost data: ${JSON.stringify({ ev, costs })}`);
  return {
    sdk: { ...s, rate: s.calls / s.seconds },
    engine: {
      ...e,
      rate: e.calls / e.seconds,
      eventsEmitted: ev.emitted,
      eventsPersisted: ev.persisted,
      costRecords: costs.generated,
      costRecordsPersisted: costs.persisted,
    },
  };
}

/** Full sessions at zero mock latency: every call is priced, recorded, flushed; every event persisted. */
async function engineCallsPerSec(
  databaseUrl: string,
): Promise<{ rate: number; calls: number; sessions: number; eventsPersisted: number; costRecords: number }> {
  const engine = await createEngine({
    config: {
      databaseUrl,
      redisUrl: REDIS,
      redisKeyPrefix: `bench_${crypto.randomBytes(3).toString('hex')}:`,
      llm: { mockProfile: 'instant', timeScale: 0 },
    },
  });
  const ids: string[] = [];
  for (let i = 0; i < ENGINE_SESSIONS; i++)
    ids.push(
      (
        await engine.createSession({
          userId: `bench_${i % 10}`,
          problem: `Should we expand into a new region next year given our budget and churn? (case ${i})`,
        })
      ).id,
    );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) await engine.startSession(ids[next++] as string);
    }),
  );
  await engine.close();
  const seconds = (performance.now() - t0) / 1000;
  const m = engine.metrics();
  return {
    rate: m.llm.calls / seconds,
    calls: m.llm.calls,
    sessions: m.sessions.completed,
    eventsPersisted: m.events.persisted,
    costRecords: m.costs.persisted,
  };
}

/** 50 sessions mid-deliberation (mock latency keeps them in flight), pruning on; heap delta / 50. */
async function heapPerSession(): Promise<number> {
  const mock = createMockLlm(resolveMockProfile('realistic', { timeScale: 0.05 }));
  const llm = createLlmClient({
    fetch: createMockFetch(mock.handlers),
    apiKey: 'k',
    models: MODEL_SETS.current,
    costSink: { record: () => undefined },
  });
  const ports = createMemoryPorts(llm, { keep: false });
  gc();
  const before = process.memoryUsage().heapUsed;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const runs = Array.from({ length: HEAP_SESSIONS }, (_, i) =>
    runDeliberation(
      ports,
      {
        sessionId: `h${i}`,
        userId: 'u',
        problem:
          'Our subscription product grows slowly. Should we expand into Germany next year through a partner or our own team, given a tight budget and strong competitors?',
        signal: controller.signal,
      },
      { settings: { pruning: true } },
    ).catch(() => undefined),
  );
  await new Promise((r) => setTimeout(r, 2_500));
  gc();
  const during = process.memoryUsage().heapUsed;
  controller.abort();
  await Promise.all(runs);
  return (during - before) / HEAP_SESSIONS / 1024;
}

async function main(): Promise<void> {
  const name = `ll_bench_${crypto.randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  await migrate({ databaseUrl: url.toString(), optimizations: OPTIMIZATION_NAMES });
  try {
    const { sdk, engine: path } = await alternating(url.toString());
    console.log(`bare SDK through the msw mock: ${sdk.rate.toFixed(0)} calls/s (${sdk.calls} calls, ${IN_FLIGHT} in flight)`);
    console.log(
      `engine call path (LLM call -> cost record -> event, all persisted): ${path.rate.toFixed(0)} calls/s (${path.calls} calls, ${path.eventsPersisted} events, ${path.costRecordsPersisted} cost records persisted)`,
    );
    const engine = await engineCallsPerSec(url.toString());
    console.log(
      `engine (sessions end to end, costs + events persisted): ${engine.rate.toFixed(0)} calls/s (${engine.calls} calls, ${engine.sessions} sessions, ${engine.eventsPersisted} events, ${engine.costRecords} cost records)`,
    );
    const heap = await heapPerSession();
    console.log(`heap per active session (pruning on, ${HEAP_SESSIONS} sessions mid-deliberation): ${heap.toFixed(1)} KB`);
    console.log(
      JSON.stringify({
        engineCallsPerSec: Math.round(path.rate),
        sdkCallsPerSec: Math.round(sdk.rate),
        ratio: Number((path.rate / sdk.rate).toFixed(3)),
        fullSessionCallsPerSec: Math.round(engine.rate),
        fullSessionRatio: Number((engine.rate / sdk.rate).toFixed(3)),
        heapPerSessionKB: Number(heap.toFixed(1)),
        samples: {
          sdkCalls: sdk.calls,
          enginePathCalls: path.calls,
          enginePathEventsPersisted: path.eventsPersisted,
          enginePathCostRecordsPersisted: path.costRecordsPersisted,
          engineCalls: engine.calls,
          engineSessions: engine.sessions,
          heapSessions: HEAP_SESSIONS,
        },
        loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
        method: `mock 'instant' at timeScale 0 via msw getResponse; ${IN_FLIGHT} in flight; SDK and engine path measured in ${ROUNDS} alternating ${WINDOW_SECONDS} s windows (rate = calls / summed time); engine path = LlmClient.complete (SDK + per-attempt cost record) + one event published (Redis) per call, each window closed only after every cost record is in api_costs and every event in session_events; fullSession = LLM calls of ${ENGINE_SESSIONS} full sessions (incl. embeddings, contributions, progress writes) / wall time incl. final flush; heap = (heapUsed after gc with ${HEAP_SESSIONS} sessions mid-deliberation - before) / ${HEAP_SESSIONS}, memory ports`,
      }),
    );
  } finally {
    const admin = new pg.Client({ connectionString: ADMIN });
    admin.on('error', () => undefined); // a server going away must not crash the process
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
