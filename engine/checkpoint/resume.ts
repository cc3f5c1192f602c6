import type { Redis } from 'ioredis';
import { decodeRecord } from '../costs/index.js';
import type { ApiCostInput, CostRepository, SessionEventInput, SessionEventRepository } from '../db/index.js';
import { eventKeys, parseEnvelope, type EventPublisher } from '../events/index.js';
import type { CostJournal } from './cost-journal.js';
import type { CheckpointSettings } from './defaults.js';
import type { CheckpointRecord } from './internal/codec.js';

/** What a resume found and did; also the `session_resumed` event's data. */
export interface ResumeReport {
  readonly sessionId: string;
  /** The step the session continues after, and how many steps it had completed. */
  readonly lastStep: string;
  readonly step: number;
  readonly store: string;
  /** Last sequence the checkpoint knew; the first sequence this process issues is startSequence + 1. */
  readonly checkpointSequence: number;
  readonly startSequence: number;
  /** Events of the interrupted step (issued after the checkpoint): their step is done again, under new numbers. */
  readonly redoneEvents: number;
  /** Events of the dead process found in Redis history but missing from session_events, written now. */
  readonly replayedEvents: number;
  /** Cost records of the interrupted step and their cost; null when unknown (no cost journal). */
  readonly redoneCostRecords: number | null;
  readonly redoneCostUsd: number | null;
  /** Journal records that had not reached api_costs, written now. */
  readonly replayedCostRecords: number;
}

export interface ResumeDeps {
  readonly redis: Redis;
  readonly redisKeyPrefix: string;
  readonly config: CheckpointSettings;
  readonly publisher: EventPublisher;
  readonly events: SessionEventRepository;
  readonly costs: CostRepository;
  readonly journal: CostJournal;
}

/**
 * The highest sequence any process issued for the session and anyone saw: the Redis history
 * (where an event lands before it is acknowledged) and session_events. A dead process's buffered
 * events exist only in the former, so numbering from session_events alone would issue them again.
 */
export async function lastIssuedSequence(d: Pick<ResumeDeps, 'redis' | 'redisKeyPrefix' | 'events'>, sessionId: string): Promise<number> {
  const history = await d.redis.lrange(eventKeys(d.redisKeyPrefix, sessionId).history, 0, -1).catch(() => [] as string[]);
  const historyMax = history
    .map(parseEnvelope)
    .reduce((m, e) => (e !== undefined && e.session_id === sessionId ? Math.max(m, e.sequence) : m), 0);
  return Math.max(historyMax, await d.events.maxSequence(sessionId));
}

// Bounded statements when a long session's history is written back.
const REPLAY_CHUNK = 500;

/**
 * Makes a session ready to continue after its checkpoint in this process: numbering continues
 * after the highest sequence anyone has seen (checkpoint, Redis history, session_events), so no
 * number is issued twice; with replayEvents / costJournal the dead process's buffered events and
 * cost records are written (both inserts are idempotent, so what had arrived is not doubled).
 */
export async function prepareResume(
  d: ResumeDeps,
  sessionId: string,
  userId: string,
  record: CheckpointRecord & { store: string },
): Promise<ResumeReport> {
  const history = await d.redis.lrange(eventKeys(d.redisKeyPrefix, sessionId).history, 0, -1).catch(() => [] as string[]);
  const envelopes = history.map(parseEnvelope).filter((e) => e !== undefined && e.session_id === sessionId);
  const historyMax = envelopes.reduce((m, e) => Math.max(m, e?.sequence ?? 0), 0);
  let replayedEvents = 0;
  if (d.config.replayEvents) {
    const rows: SessionEventInput[] = envelopes.flatMap((e) =>
      e === undefined
        ? []
        : [
            {
              sessionId,
              eventType: e.event_type,
              sequence: e.sequence,
              data: e,
              userId,
              createdAt: new Date(e.timestamp),
            },
          ],
    );
    for (let i = 0; i < rows.length; i += REPLAY_CHUNK) replayedEvents += await d.events.saveBatch(rows.slice(i, i + REPLAY_CHUNK));
  }
  const pgMax = await d.events.maxSequence(sessionId);
  const startSequence = Math.max(record.sequence, historyMax, pgMax);
  d.publisher.seedSequence(sessionId, startSequence);

  let redoneCostRecords: number | null = null;
  let redoneCostUsd: number | null = null;
  let replayedCostRecords = 0;
  if (d.config.costJournal) {
    const journal = (await d.journal.read(sessionId).catch(() => [] as string[]))
      .map(decodeRecord)
      .filter((r): r is ApiCostInput => r !== undefined);
    for (let i = 0; i < journal.length; i += REPLAY_CHUNK)
      replayedCostRecords += (await d.costs.insertBatch(journal.slice(i, i + REPLAY_CHUNK))).length;
    const redone = journal.slice(record.costRecords);
    redoneCostRecords = redone.length;
    redoneCostUsd = redone.reduce((s, r) => s + r.totalCost, 0);
    d.journal.seed(sessionId, journal.length);
  } else {
    d.journal.seed(sessionId, record.costRecords);
  }
  return {
    sessionId,
    lastStep: record.state.lastStep,
    step: record.state.step,
    store: record.store,
    checkpointSequence: record.sequence,
    startSequence,
    redoneEvents: startSequence - record.sequence,
    replayedEvents,
    redoneCostRecords,
    redoneCostUsd,
    replayedCostRecords,
  };
}
