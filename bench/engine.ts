/**
 * npm run bench:engine — engine overhead against the bare SDK through the same mock transport,
 * and heap per active session. Reads DATABASE_URL / REDIS_URL (defaults: the local servers).
 * Last line: one JSON object.
 */
import crypto from 'node:crypto';
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
const SDK_SECONDS = 4;
const ENGINE_SESSIONS = 100;
const HEAP_SESSIONS = 50;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function sdkCallsPerSec(): Promise<{ rate: number; calls: number }> {
  const mock = createMockLlm(resolveMockProfile('instant', { timeScale: 0 }));
  const sdk = new Anthropic({ apiKey: 'k', fetch: createMockFetch(mock.handlers), maxRetries: 0 });
  let calls = 0;
  const end = performance.now() + SDK_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < end) {
      await sdk.messages.create({ model: MODEL_SETS.current.core, max_tokens: 1000, system: [{ type: 'text', text: 'You are an adviser.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: `question ${calls}` }] }, { headers: { 'x-loadlab-role': 'persona' } });
      calls++;
    }
  }));
  return { rate: calls / ((performance.now() - t0) / 1000), calls };
}

/** Full sessions at zero mock latency: every call is priced, recorded, flushed; every event persisted. */
async function engineCallsPerSec(databaseUrl: string): Promise<{ rate: number; calls: number; sessions: number; eventsPersisted: number; costRecords: number }> {
  const engine = await createEngine({ config: { databaseUrl, redisUrl: REDIS, redisKeyPrefix: `bench_${crypto.randomBytes(3).toString('hex')}:`, llm: { mockProfile: 'instant', timeScale: 0 } } });
  const ids: string[] = [];
  for (let i = 0; i < ENGINE_SESSIONS; i++) ids.push((await engine.createSession({ userId: `bench_${i % 10}`, problem: `Should we expand into a new region next year given our budget and churn? (case ${i})` })).id);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < ids.length) await engine.runSession(ids[next++] as string);
  }));
  await engine.close();
  const seconds = (performance.now() - t0) / 1000;
  const m = engine.metrics();
  return { rate: m.llm.calls / seconds, calls: m.llm.calls, sessions: m.sessions.completed, eventsPersisted: m.events.persisted, costRecords: m.costs.persisted };
}

/**
 * The per-call engine path alone, as the issue defines it: LLM call through the mock -> cost
 * record (priced, buffered, flushed to api_costs) -> one event persisted to session_events.
 */
async function enginePathCallsPerSec(databaseUrl: string): Promise<{ rate: number; calls: number }> {
  const engine = await createEngine({ config: { databaseUrl, redisUrl: REDIS, redisKeyPrefix: `bench_${crypto.randomBytes(3).toString('hex')}:`, llm: { mockProfile: 'instant', timeScale: 0 } } });
  const sessions = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => engine.createSession({ userId: `bench_${i % 10}`, problem: 'bench' })));
  let calls = 0;
  const end = performance.now() + SDK_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(sessions.map(async ({ id }) => {
    while (performance.now() < end) {
      const r = await engine.llm.client.complete({ role: 'persona', system: 'You are an adviser.', user: `question ${calls}`, maxTokens: 1000, cacheSystem: true, context: { sessionId: id, userId: 'bench_0' } });
      await engine.publishEvent(id, 'contribution', { content: r.text, tokens: r.usage.outputTokens });
      calls++;
    }
  }));
  await engine.close();
  return { rate: calls / ((performance.now() - t0) / 1000), calls };
}

/** 50 sessions mid-deliberation (mock latency keeps them in flight), pruning on; heap delta / 50. */
async function heapPerSession(): Promise<number> {
  const mock = createMockLlm(resolveMockProfile('realistic', { timeScale: 0.05 }));
  const llm = createLlmClient({ fetch: createMockFetch(mock.handlers), apiKey: 'k', models: MODEL_SETS.current, costSink: { record: () => undefined } });
  const ports = createMemoryPorts(llm, { keep: false });
  gc();
  const before = process.memoryUsage().heapUsed;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const runs = Array.from({ length: HEAP_SESSIONS }, (_, i) => runDeliberation(ports, { sessionId: `h${i}`, userId: 'u', problem: 'Our subscription product grows slowly. Should we expand into Germany next year through a partner or our own team, given a tight budget and strong competitors?', signal: controller.signal }, { settings: { pruning: true } }).catch(() => undefined));
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
    const sdk = await sdkCallsPerSec();
    console.log(`bare SDK through the msw mock: ${sdk.rate.toFixed(0)} calls/s (${sdk.calls} calls, ${IN_FLIGHT} in flight)`);
    const path = await enginePathCallsPerSec(url.toString());
    console.log(`engine call path (LLM call -> cost record -> event persisted): ${path.rate.toFixed(0)} calls/s (${path.calls} calls)`);
    const engine = await engineCallsPerSec(url.toString());
    console.log(`engine (sessions end to end, costs + events persisted): ${engine.rate.toFixed(0)} calls/s (${engine.calls} calls, ${engine.sessions} sessions, ${engine.eventsPersisted} events, ${engine.costRecords} cost records)`);
    const heap = await heapPerSession();
    console.log(`heap per active session (pruning on, ${HEAP_SESSIONS} sessions mid-deliberation): ${heap.toFixed(1)} KB`);
    console.log(JSON.stringify({
      engineCallsPerSec: Math.round(path.rate), sdkCallsPerSec: Math.round(sdk.rate), ratio: Number((path.rate / sdk.rate).toFixed(3)),
      fullSessionCallsPerSec: Math.round(engine.rate), fullSessionRatio: Number((engine.rate / sdk.rate).toFixed(3)),
      heapPerSessionKB: Number(heap.toFixed(1)),
      samples: { sdkCalls: sdk.calls, enginePathCalls: path.calls, engineCalls: engine.calls, engineSessions: engine.sessions, heapSessions: HEAP_SESSIONS },
      method: `mock 'instant' at timeScale 0 via msw getResponse; ${IN_FLIGHT} in flight; engine = per-call path (complete + cost record + event, ${IN_FLIGHT} sessions); fullSession = LLM calls of ${ENGINE_SESSIONS} full sessions (incl. embeddings, contributions, progress writes) / wall time incl. final flush (cost records + events in PostgreSQL); heap = (heapUsed after gc with ${HEAP_SESSIONS} sessions mid-deliberation - before) / ${HEAP_SESSIONS}, memory ports`,
    }));
  } finally {
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
