import {
  CHECKPOINT_ERRORS,
  lastIssuedSequence,
  prepareResume,
  type Checkpointer,
  type CheckpointRecord,
  type Leases,
  type ResumeDeps,
  type ResumeReport,
} from '../checkpoint/index.js';
import { initialState } from '../deliberation/index.js';
import type { Repositories } from '../db/index.js';
import { ENGINE_ERRORS, LoadlabError } from '../errors/index.js';
import type { EventPublisher } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { SessionOutcome, SessionRunner } from './runner.js';

export interface ResumeCounters {
  resumed: number;
  /** Left `running` by a dead engine with no checkpoint (audited memory fallback): marked failed. */
  lost: number;
  redoneEvents: number;
  replayedEvents: number;
  redoneCostRecords: number;
  redoneCostUsd: number;
  replayedCostRecords: number;
}

export interface ResumedSession {
  readonly report: ResumeReport;
  readonly outcome: Promise<SessionOutcome>;
}

interface Deps {
  repos: Repositories;
  runner: SessionRunner;
  checkpoints: Checkpointer;
  leases: Leases;
  events: EventPublisher;
  resume: ResumeDeps;
  log: Logger;
}

// One sweep looks at this many `running` sessions: a backlog is taken over a few sweeps.
const SWEEP_LIMIT = 200;

/**
 * Takes over sessions whose engine died: a session qualifies when its row says `running`, this
 * engine does not run it, and its lease is stale or absent. It continues at the step after its
 * checkpoint. Without one it starts over (checkpoint.restartWithoutCheckpoint, optimized) or is
 * marked failed (LL_CHECKPOINT_LOST), which is what bo1's MemorySaver fallback amounts to after a restart.
 */
export class Resumer {
  readonly n: ResumeCounters = {
    resumed: 0,
    lost: 0,
    redoneEvents: 0,
    replayedEvents: 0,
    redoneCostRecords: 0,
    redoneCostUsd: 0,
    replayedCostRecords: 0,
  };

  private readonly resuming = new Set<string>();

  constructor(private readonly d: Deps) {}

  async resume(sessionId: string): Promise<ResumedSession> {
    // The API and the sweep may ask at once: one of them does it.
    if (this.resuming.has(sessionId)) throw notResumable(sessionId, 'a resume of it is under way');
    this.resuming.add(sessionId);
    try {
      return await this.resumeOnce(sessionId);
    } finally {
      this.resuming.delete(sessionId);
    }
  }

  private async resumeOnce(sessionId: string): Promise<ResumedSession> {
    const row = await this.d.repos.sessions.get(sessionId);
    if (row === undefined) throw notResumable(sessionId, 'no such session');
    if (row.status !== 'running') throw notResumable(sessionId, `its status is ${row.status}, not running`);
    if (this.d.runner.has(sessionId)) throw notResumable(sessionId, 'this engine is running it');
    const lease = await this.d.leases.read(sessionId);
    if (lease.kind === 'fresh') throw notResumable(sessionId, `engine ${lease.owner} still holds its lease`);
    if (lease.kind === 'unknown') throw notResumable(sessionId, `its lease cannot be read (${lease.reason})`);
    const record = (await this.d.checkpoints.load(sessionId)) ?? this.fromStart();
    if (record === undefined) {
      this.n.lost += 1;
      const error = {
        code: CHECKPOINT_ERRORS.LOST,
        message: `session ${sessionId} was left running by a dead engine and has no checkpoint`,
      };
      this.d.events.registerSession(sessionId, row.user_id);
      // After every number issued, buffered-and-lost ones included (they are in the Redis history).
      this.d.events.seedSequence(sessionId, await lastIssuedSequence(this.d.resume, sessionId));
      await this.d.events.publish(sessionId, 'error', error);
      await this.d.events.flushNow();
      this.d.events.forgetSession(sessionId);
      await this.d.repos.sessions.updateStatus(sessionId, 'failed');
      this.d.log.warn({ sessionId }, error.message);
      throw new LoadlabError(CHECKPOINT_ERRORS.LOST, error.message);
    }
    this.d.events.registerSession(sessionId, row.user_id);
    const report = await prepareResume(this.d.resume, sessionId, row.user_id, record);
    this.count(report);
    await this.d.events.publish(sessionId, 'session_resumed', {
      last_step: report.lastStep,
      step: report.step,
      store: report.store,
      checkpoint_sequence: report.checkpointSequence,
      redone_events: report.redoneEvents,
      replayed_events: report.replayedEvents,
      redone_cost_records: report.redoneCostRecords,
      redone_cost_usd: report.redoneCostUsd,
      replayed_cost_records: report.replayedCostRecords,
    });
    this.d.log.info({ ...report }, 'session resumed from its checkpoint');
    return { report, outcome: this.d.runner.start(sessionId, record.state) };
  }

  /**
   * No checkpoint: the engine died before the session's first step ended (or its checkpoint was
   * lost). With restartWithoutCheckpoint the session starts over from step 0 under the resume's
   * rules (numbering after every sequence already issued, journal written, all work counted as redone).
   */
  private fromStart(): (CheckpointRecord & { store: string }) | undefined {
    if (!this.d.resume.config.restartWithoutCheckpoint) return undefined;
    return { state: initialState(), sequence: 0, costRecords: 0, writtenAt: new Date(0).toISOString(), store: 'none' };
  }

  /** One sweep: every `running` session this engine does not run and whose lease is stale. */
  async orphans(): Promise<{ resumed: ResumedSession[]; skipped: { sessionId: string; code: string; message: string }[] }> {
    const ids = await this.d.repos.sessions.idsWithStatus('running', SWEEP_LIMIT);
    const resumed: ResumedSession[] = [];
    const skipped: { sessionId: string; code: string; message: string }[] = [];
    for (const id of ids) {
      if (this.d.runner.has(id)) continue;
      try {
        resumed.push(await this.resume(id));
      } catch (err) {
        const e = err instanceof LoadlabError ? err : undefined;
        skipped.push({ sessionId: id, code: e?.code ?? ENGINE_ERRORS.INTERNAL, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return { resumed, skipped };
  }

  private count(r: ResumeReport): void {
    this.n.resumed += 1;
    this.n.redoneEvents += r.redoneEvents;
    this.n.replayedEvents += r.replayedEvents;
    this.n.redoneCostRecords += r.redoneCostRecords ?? 0;
    this.n.redoneCostUsd += r.redoneCostUsd ?? 0;
    this.n.replayedCostRecords += r.replayedCostRecords;
  }
}

function notResumable(sessionId: string, why: string): LoadlabError {
  return new LoadlabError(CHECKPOINT_ERRORS.NOT_RESUMABLE, `session ${sessionId} cannot be resumed: ${why}`, {
    hint: 'a session is resumed only when it is running and its engine stopped renewing its lease (checkpoint.leaseMs)',
  });
}
