import type { K6EndpointName, K6Load, K6ScriptName } from './types.js';

/** What each k6 script runs: its arrival-rate scenarios (exec function -> shape) and the requests it makes. */
interface ScriptPlan {
  /** scenarios/k6/<name>.ts */
  source: string;
  scenarios: Record<string, K6Load>;
  endpoints: readonly K6EndpointName[];
}

// Open-model shapes: arrival-rate executors start iterations on schedule, so a slow server
// shows up as latency and dropped iterations instead of quietly lowering the load (no
// coordinated omission). maxVUs bounds what a runner may spawn when responses slow down.
const LIST: K6Load = { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '1m', preAllocatedVUs: 10, maxVUs: 100 };
const DETAIL: K6Load = { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '1m', preAllocatedVUs: 10, maxVUs: 100 };
// Ramped so the knee of the tag filter shows in the timeline: 5 -> 50 -> 100 req/s.
const ACTIONS: K6Load = {
  executor: 'ramping-arrival-rate',
  startRate: 5,
  timeUnit: '1s',
  preAllocatedVUs: 10,
  maxVUs: 150,
  stages: [
    { target: 50, duration: '30s' },
    { target: 50, duration: '1m' },
    { target: 100, duration: '30s' },
  ],
};
// Each iteration is a whole deliberation streamed to its end. 6/min for 2 min keeps the number
// of running sessions under the engine's cap of 50 (bo1 MAX_CONCURRENT_SESSIONS), so eviction
// does not blur the stream timings; raise it on purpose to test the cap.
const STREAM: K6Load = { executor: 'constant-arrival-rate', rate: 6, timeUnit: '1m', duration: '2m', preAllocatedVUs: 5, maxVUs: 50 };
const HEALTH: K6Load = { executor: 'constant-arrival-rate', rate: 1, timeUnit: '1s', duration: '2m', preAllocatedVUs: 1, maxVUs: 5 };

export const K6_SCRIPT_PLANS: Record<K6ScriptName, ScriptPlan> = {
  'list-sessions': { source: 'list-sessions.ts', scenarios: { listSessions: LIST }, endpoints: ['list_sessions'] },
  'session-detail': { source: 'session-detail.ts', scenarios: { sessionDetail: DETAIL }, endpoints: ['session_detail'] },
  'actions-by-tags': { source: 'actions-by-tags.ts', scenarios: { actionsByTags: ACTIONS }, endpoints: ['actions_by_tags'] },
  'session-stream': {
    source: 'session-stream.ts',
    scenarios: { sessionStream: STREAM },
    endpoints: ['create_session', 'start_session', 'stream_session'],
  },
  // bo1's BrowsingUser weights sessions 5 : actions 3 : health 1 (§9.1); the mix keeps that order.
  'http-load': {
    source: 'http-load.ts',
    scenarios: {
      listSessions: { ...LIST, duration: '2m', rate: 25 },
      sessionDetail: { ...DETAIL, duration: '2m', rate: 25 },
      actionsByTags: { ...LIST, duration: '2m', rate: 15 },
      sessionStream: STREAM,
      health: HEALTH,
    },
    endpoints: ['list_sessions', 'session_detail', 'actions_by_tags', 'create_session', 'start_session', 'stream_session', 'health'],
  },
};
