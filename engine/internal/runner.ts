import { setMaxListeners } from 'node:events';
import type { Checkpointer, CostJournal, Leases } from '../checkpoint/index.js';
import type { EngineConfig } from '../config/index.js';
import type { CostTracker } from '../costs/index.js';
import type { Repositories } from '../db/index.js';
import {
  DELIBERATION_ERRORS,
  runDeliberation,
  type DeliberationLimits,
  type DeliberationPorts,
  type DeliberationResult,
  type DeliberationSettings,
  type DeliberationState,
} from '../deliberation/index.js';
import { ENGINE_ERRORS, isLoadlabError } from '../errors/index.js';
import type { EventPublisher } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { SessionManager, SessionResult } from '../sessions/index.js';
import type { UserContexts } from './user-context.js';

export type SessionOutcome =
  | { readonly sessionId: string; readonly status: 'completed'; readonly durationMs: number; readonly result: DeliberationResult }
  | {
      readonly sessionId: string;
      readonly status: 'failed' | 'killed' | 'evicted';
      readonly durationMs: number;
      readonly error: { code: string; message: string };
    };

interface Deps {
  config: EngineConfig;
  repos: Repositories;
  events: EventPublisher;
  costs: CostTracker;
  sessions: SessionManager;
  ports: DeliberationPorts;
  settings: DeliberationSettings;
  limits: DeliberationLimits;
  log: Logger;
  checkpoints: Checkpointer;
  leases: Leases;
  journal: CostJournal;
  userContexts: UserContexts;
}

interface Slot {
  outcome: Promise<SessionOutcome>;
  result?: DeliberationResult;
  error?: { code: string; message: string };
  killReason?: string;
  /** Set by a kill that arrived before the manager had started the task. */
  pendingKill?: { reason: string; killedBy: string };
  /** A resumed session: the state of its last checkpoint. */
  resumeFrom?: DeliberationState;
}

/**
 * Runs deliberations as SessionManager tasks: the manager owns cap, FIFO eviction, kill and the
 * status writes; this adds what createEngine's callers get back (the deliberation result or a
 * coded error) and the session's end-of-run writes.
 */
export class SessionRunner {
  private readonly slots = new Map<string, Slot>();
  created = 0;

  constructor(private readonly d: Deps) {}

  /** Starts (or joins) a session's run; the promise settles when it ends and never rejects. */
  start(sessionId: string, resumeFrom?: DeliberationState): Promise<SessionOutcome> {
    const existing = this.slots.get(sessionId);
    if (existing !== undefined) return existing.outcome;
    const slot = (resumeFrom === undefined ? {} : { resumeFrom }) as Slot;
    // Registered before the first await, so a second start of the same id joins this run.
    this.slots.set(sessionId, slot);
    slot.outcome = this.run(sessionId, slot).finally(() => {
      this.slots.delete(sessionId);
      this.d.events.forgetSession(sessionId);
    });
    return slot.outcome;
  }

  /** Kills a running session (async: its LLM calls are aborted, then `killed` is written). False if not running. */
  kill(sessionId: string, reason: string, killedBy = 'user'): boolean {
    const slot = this.slots.get(sessionId);
    if (slot === undefined) return false;
    slot.killReason = reason;
    // Between startSession and the manager starting the task (row lookup, capacity lock) there is
    // nothing to abort yet: the kill is applied as soon as the task exists.
    if (this.d.sessions.wait(sessionId) === undefined) slot.pendingKill = { reason, killedBy };
    else void this.d.sessions.kill(sessionId, { killedBy, reason });
    return true;
  }

  has(sessionId: string): boolean {
    return this.slots.has(sessionId);
  }

  get running(): number {
    return this.slots.size;
  }

  private async run(sessionId: string, slot: Slot): Promise<SessionOutcome> {
    const t0 = performance.now();
    let done: SessionResult;
    try {
      const row = await this.d.repos.sessions.get(sessionId);
      if (row === undefined) return failed(sessionId, t0, ENGINE_ERRORS.SESSION_NOT_FOUND, `session ${sessionId} not found`);
      this.d.events.registerSession(sessionId, row.user_id);
      const handle = await this.d.sessions.start(sessionId, row.user_id, (signal) =>
        this.task(sessionId, row.user_id, row.problem_statement, signal, slot),
      );
      if (slot.pendingKill !== undefined) void this.d.sessions.kill(sessionId, slot.pendingKill);
      done = await handle.done;
      // Records and events of calls aborted by a kill or eviction can land after the task's own
      // flush (an LLM attempt is tracked when it settles; the manager publishes its own events).
      if (done.status !== 'completed') await this.flushSession();
    } catch (err) {
      // start() refused (manager closed, already running elsewhere) or the row lookup failed.
      return failed(
        sessionId,
        t0,
        isLoadlabError(err) ? err.code : ENGINE_ERRORS.INTERNAL,
        err instanceof Error ? err.message : String(err),
      );
    }
    if (done.status === 'completed' && slot.result !== undefined) {
      return { sessionId, status: 'completed', durationMs: done.durationMs, result: slot.result };
    }
    if (done.status === 'killed' || done.status === 'evicted') {
      const message = done.status === 'killed' ? (slot.killReason ?? 'killed') : 'evicted to make room for a newer session (capacity)';
      return { sessionId, status: done.status, durationMs: done.durationMs, error: { code: DELIBERATION_ERRORS.ABORTED, message } };
    }
    const error = slot.error ?? { code: ENGINE_ERRORS.INTERNAL, message: done.error ?? `session ended ${done.status}` };
    this.d.log.warn({ sessionId, code: error.code, err: error.message }, 'session failed');
    return { sessionId, status: 'failed', durationMs: done.durationMs, error };
  }

  /** The SessionManager task: the whole deliberation under the manager's AbortSignal. */
  private async task(
    sessionId: string,
    userId: string,
    problem: string,
    signal: AbortSignal,
    slot: Slot,
  ): Promise<{ status: 'completed' | 'failed' }> {
    // Every concurrent LLM request of the session (up to ~16) listens on this one signal.
    setMaxListeners(0, signal);
    let deliberated = false;
    // §8.2: the checkpoint store is chosen at session start (Redis if it answers, else the fallback).
    await this.d.checkpoints.begin(sessionId);
    await this.d.leases.acquire(sessionId);
    try {
      // §4.2 context collection (no LLM): the user's business context, through the user-context cache.
      const context = await this.d.userContexts.describe(userId);
      const input = {
        sessionId,
        userId,
        problem,
        signal,
        ...(context === undefined ? {} : { context }),
        ...(slot.resumeFrom === undefined ? {} : { resumeFrom: slot.resumeFrom }),
      };
      const result = await runDeliberation(this.d.ports, input, {
        settings: this.d.settings,
        limits: this.d.limits,
        variant: this.d.config.variant,
      });
      deliberated = true;
      await this.d.repos.sessions.updateTotals(sessionId, { totalCost: result.counters.costUsd, synthesisText: result.synthesis });
      slot.result = result;
      return { status: 'completed' };
    } catch (err) {
      // Kill/eviction: the manager decides the status from its own record.
      if (signal.aborted) throw err;
      // runDeliberation publishes the coded `error` event of its own failures; returning (not
      // throwing) keeps the manager from publishing a second one.
      slot.error = {
        code: isLoadlabError(err) ? err.code : ENGINE_ERRORS.INTERNAL,
        message: err instanceof Error ? err.message : String(err),
      };
      if (deliberated) await this.d.events.publish(sessionId, 'error', slot.error);
      return { status: 'failed' };
    } finally {
      // The terminal status is written after this: events and cost records first (bo1 flushes
      // the CostTracker at session completion, §7.2), so `completed` in PostgreSQL means the
      // session's events and costs are there too, not up to flushIntervalMs later.
      await this.flushSession();
      await this.endCheckpoints(sessionId);
    }
  }

  /** After the final flush: checkpoint and journal kept for endedTtlSeconds, lease given back. */
  private async endCheckpoints(sessionId: string): Promise<void> {
    const ttl = this.d.config.checkpoint.endedTtlSeconds;
    await this.d.checkpoints.end(sessionId);
    await this.d.journal.settled(sessionId);
    await this.d.journal.expire(sessionId, ttl);
    this.d.journal.forget(sessionId);
    await this.d.leases.release(sessionId);
  }

  private async flushSession(): Promise<void> {
    await Promise.all([this.d.events.flushNow().catch(() => undefined), this.d.costs.flush().catch(() => undefined)]);
  }
}

function failed(sessionId: string, t0: number, code: string, message: string): SessionOutcome {
  return { sessionId, status: 'failed', durationMs: performance.now() - t0, error: { code, message } };
}
