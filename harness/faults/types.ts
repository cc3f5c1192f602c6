/**
 * Faults as a typed union (as ioredis's test/scenario/utils/fault-injector.ts) and the
 * handles they act through. The handles are ports: harness/infra satisfies them structurally for
 * the processes it owns, FaultProxy satisfies the proxy one, and tests can pass fakes.
 */

/** Which proxy a proxy fault targets (e.g. "redis", "postgres"); optional when only one exists. */
interface ProxyTarget {
  proxy?: string;
}

export type ProxyDirection = 'downstream' | 'upstream' | 'both';

export interface LlmErrorSpec {
  /** HTTP status the mock answers with, or 'hang' for a request that never answers. */
  status: 429 | 500 | 503 | 529 | 'hang';
  /** Share of calls affected, 0..1. */
  rate: number;
  /** For 429: the retry-after the mock sends. */
  retryAfterMs?: number;
}

export type Fault =
  /** SIGKILL; restarted after `downMs` when given, else stays down until a redis-restart. */
  | { kind: 'redis-kill'; downMs?: number }
  /** SIGSTOP for `ms`, then SIGCONT: the server holds connections but answers nothing. */
  | { kind: 'redis-pause'; ms: number }
  | { kind: 'redis-restart' }
  /** Adds latency (+ uniform jitter) to every chunk; lasts `durationMs` or until the schedule stops. */
  | ({ kind: 'proxy-latency'; ms: number; jitterMs?: number; direction?: ProxyDirection; durationMs?: number } & ProxyTarget)
  /** Destroys every open connection with a TCP RST; new connections are accepted. */
  | ({ kind: 'proxy-reset' } & ProxyTarget)
  /** Stops listening and resets open connections for `ms` (Toxiproxy "disable"). */
  | ({ kind: 'proxy-down'; ms: number } & ProxyTarget)
  | ({ kind: 'proxy-bandwidth'; bytesPerSec: number; durationMs?: number } & ProxyTarget)
  | { kind: 'pg-restart' }
  | ({ kind: 'llm-errors'; durationMs?: number } & LlmErrorSpec);

export type FaultKind = Fault['kind'];

export interface FaultScheduleEntry {
  /** Offset from the schedule start, ms. */
  atMs: number;
  fault: Fault;
}

/** A Redis process the harness owns (harness/infra's redis-server child). */
export interface RedisFaultHandle {
  kill(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  restart(): Promise<void>;
}

export interface PgFaultHandle {
  restart(): Promise<void>;
}

/** The mock LLM's error injection; null clears it. */
export interface LlmFaultHandle {
  setErrors(spec: LlmErrorSpec | null): void | Promise<void>;
}

export interface ProxyFaultHandle {
  setLatency(ms: number, jitterMs?: number, direction?: ProxyDirection): void;
  clearLatency(): void;
  setBandwidth(bytesPerSec: number | null): void;
  reset(): void;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface FaultHandles {
  redis?: RedisFaultHandle;
  pg?: PgFaultHandle;
  llm?: LlmFaultHandle;
  proxies?: Record<string, ProxyFaultHandle>;
}
