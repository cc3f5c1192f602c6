import type { KillPointName } from './kills.js';

/** `audited`: bo1 as on 2025-12-22, with its §7.1 publish (events dropped when Redis raises). */
export type FailoverVariant = 'audited' | 'optimized';

export interface RedisFailoverParams {
  /** Sessions running while Redis is killed (each followed by an SSE-like client), optimized variant. */
  sessions: number;
  /** The same for the audited variant (fewer keeps ci short; it still goes through every kill point). */
  auditedSessions: number;
  /** Both variants at once (each with its own engine, database and redis-server child): halves the wall time. */
  concurrentVariants: boolean;
  /** Where Redis is SIGKILLed, in this order (§9 scenario 4: round, event flush, cost flush). */
  killPoints: KillPointName[];
  /** Redis stays dead this long before the fault schedule restarts it. */
  outageMs: number;
  /** Pause after each recovery before the next kill point is armed. */
  settleMs: number;
  /** How long a kill point waits for its engine state before killing anyway (marked on the timeline). */
  triggerTimeoutMs: number;
  /** How often a polling client re-tries Redis (bo1: 5 s) and the engine's reconnect backoff cap (bo1: 30 s), scaled. */
  sseRecheckMs: number;
  reconnectMaxMs: number;
  mockProfile: string;
  timeScale: number;
  sampleMs: number;
}
