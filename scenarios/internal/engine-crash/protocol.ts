import type { EngineConfigInput } from '../../../engine/config/index.js';

/**
 * Where the engine process is SIGKILLed:
 * - `mid-round`: a persona's contribution has just been published while its round-mates' calls are in flight;
 * - `event-flush`: an event batch INSERT into session_events has been issued and not confirmed;
 * - `cost-flush`: a cost batch INSERT into api_costs has been issued and not confirmed;
 * - `between-checkpoints`: a step's checkpoint has just landed and the next step is starting.
 */
export type KillPoint = 'mid-round' | 'event-flush' | 'cost-flush' | 'between-checkpoints';

export const KILL_POINTS: readonly KillPoint[] = ['mid-round', 'event-flush', 'cost-flush', 'between-checkpoints'];

/** The first line the worker reads on stdin. */
export interface WorkerInput {
  config: EngineConfigInput;
  /** API users created (idempotently) at start, each with a bearer token. */
  users: { id: string; token: string }[];
  /** The resume sweep's period (`loadlab serve` uses checkpoint.leaseMs). */
  sweepMs: number;
  /** How long the worker holds still at a kill point waiting for its SIGKILL before it carries on. */
  freezeMs: number;
}

/** Lines the parent sends after the input line. */
export type WorkerCommand = { cmd: 'arm'; point: KillPoint };

/** What the engine reported when it resumed a session (the `session_resumed` event's data). */
export interface ResumedData {
  step: number;
  last_step: string;
  redone_events: number;
  replayed_events: number;
  redone_cost_records: number | null;
  redone_cost_usd: number | null;
  replayed_cost_records: number;
}

/**
 * Lines the worker writes on stdout, one JSON object each. stdout is a pipe, and Node writes to
 * pipes synchronously on Linux, so a line written before a SIGKILL has reached the parent.
 * - `ev` with `ok: false` when a publish is invoked, `ok: true` once the publisher accepted it;
 * - `cost` when the CostTracker accepted a record (track() is synchronous: no invoke line);
 * - `hit` when an armed kill point is reached: the worker then blocks its event loop until killed.
 */
export type WorkerLine =
  | { k: 'ready'; port: number; pid: number }
  | { k: 'ev'; id: string; sid: string; type: string; ok: boolean; resumed?: ResumedData }
  | { k: 'cost'; id: string; sid: string | null; usd: number; at: number }
  | { k: 'hit'; point: KillPoint; detail: string }
  | { k: 'swept'; resumed: number; skipped: { sid: string; code: string }[] };

export const eventId = (sessionId: string, sequence: number): string => `${sessionId}:${sequence}`;
