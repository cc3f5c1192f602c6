import type { Redis } from 'ioredis';
import type pg from 'pg';
import { checkpointKeys } from '../../../engine/checkpoint/index.js';
import { checkHistory, History, type HistoryCheck } from '../../../harness/load/index.js';
import type { ResumedData, WorkerLine } from './protocol.js';

/** One cost record as the tracker of engine process `gen` accepted it. */
interface CostSeen {
  id: string;
  sid: string | null;
  usd: number;
  /** The record's created_at (ms), in the engine process's clock (the same machine's). */
  at: number;
  gen: number;
}

/**
 * The operation histories of one variant across all its engine processes (generations): every
 * event the publisher accepted (`session:sequence`) and every cost record the tracker accepted
 * (request_id), Jepsen-style, plus what each process reported when it resumed a session.
 */
export class CrashOracle {
  readonly events = new History();
  readonly costs = new History();
  /**
   * Sequence numbers issued again after the engine had accepted an event under them: must stay 0.
   * A number whose first publish never completed (killed before Redis had it) was seen by no one,
   * and reusing it is allowed: those are counted in `reusedIndeterminate`.
   */
  reissued = 0;
  /** The first few reissued ids with the generations that issued them, for the report. */
  readonly reissuedIds: string[] = [];
  reusedIndeterminate = 0;
  /** Running totals for the timeline. */
  acceptedEvents = 0;
  acceptedCosts = 0;
  readonly resumed = new Map<string, ResumedData[]>();
  /** performance.now() of the first `session_resumed` event each generation published. */
  readonly firstResumedAt = new Map<number, number>();
  private readonly costLog: CostSeen[] = [];
  private readonly invoked = new Set<string>();
  private readonly acked = new Set<string>();
  private readonly ackedBy = new Map<string, number>();

  /** The line handler for engine process `gen`. */
  listener(gen: number): (line: WorkerLine, at: number) => void {
    return (line, at) => {
      if (line.k === 'ev' && !line.ok) {
        if (this.acked.has(line.id)) {
          this.reissued += 1;
          if (this.reissuedIds.length < 5)
            this.reissuedIds.push(
              `${line.id} (${line.type}, engine process ${gen}, first accepted by process ${this.ackedBy.get(line.id) ?? '?'})`,
            );
        } else if (this.invoked.has(line.id)) this.reusedIndeterminate += 1;
        this.invoked.add(line.id);
        this.events.invoke(line.id);
      } else if (line.k === 'ev') {
        this.events.ok(line.id);
        this.acked.add(line.id);
        this.ackedBy.set(line.id, gen);
        this.acceptedEvents += 1;
        if (line.resumed !== undefined) {
          this.resumed.set(line.sid, [...(this.resumed.get(line.sid) ?? []), line.resumed]);
          if (!this.firstResumedAt.has(gen)) this.firstResumedAt.set(gen, at);
        }
      } else if (line.k === 'cost') {
        this.costs.invoke(line.id);
        this.costs.ok(line.id);
        this.acceptedCosts += 1;
        this.costLog.push({ id: line.id, sid: line.sid, usd: line.usd, at: line.at, gen });
      }
    };
  }

  /**
   * LLM work a dead process had done after its sessions' last checkpoints: records it tracked
   * for `orphans` later than the checkpoint's writtenAt. Their step is run again by the resume,
   * so their calls are made and paid twice (calls in flight at the kill are paid too, but no
   * record of them exists anywhere).
   */
  redone(gen: number, checkpoints: ReadonlyMap<string, number | undefined>): { records: number; usd: number } {
    let records = 0;
    let usd = 0;
    for (const c of this.costLog) {
      if (c.gen !== gen || c.sid === null || !checkpoints.has(c.sid)) continue;
      const writtenAt = checkpoints.get(c.sid);
      if (writtenAt !== undefined && c.at <= writtenAt) continue;
      records += 1;
      usd += c.usd;
    }
    return { records, usd };
  }

  /** Where a cost record came from, for messages: session, engine generation, age at the end. */
  describeCost(id: string): string {
    const c = this.costLog.find((x) => x.id === id);
    return c === undefined ? id : `${id} (session ${c.sid ?? 'none'}, engine process ${c.gen}, created ${new Date(c.at).toISOString()})`;
  }

  /** USD of the given cost records (e.g. the lost ones). */
  usdOf(ids: readonly string[]): number {
    const wanted = new Set(ids);
    return this.costLog.reduce((a, c) => a + (wanted.has(c.id) ? c.usd : 0), 0);
  }

  check(stored: StoredRows): { events: HistoryCheck; costs: HistoryCheck } {
    return { events: checkHistory(this.events, stored.events), costs: checkHistory(this.costs, stored.costs) };
  }
}

/** Rows the oracle expects in the store, from its own classification (compared with count(*)). */
export function expectedRows(c: HistoryCheck): number {
  const extra = c.duplicated.reduce((a, d) => a + d.count - 1, 0);
  const neverInvoked = c.unexpected.filter((u) => u.reason === 'never-invoked').length;
  return c.acknowledged - c.lost.length + c.recovered.length + extra + neverInvoked;
}

export interface StoredRows {
  events: string[];
  costs: string[];
  /** Direct `SELECT count(*)` of each table: the independent figure the oracle must agree with. */
  eventCount: number;
  costCount: number;
}

/** Every session_events row as `session:sequence` and every api_costs request_id, duplicates kept. */
export async function storedRows(client: pg.Client): Promise<StoredRows> {
  const ev = await client.query<{ id: string }>("SELECT session_id || ':' || sequence AS id FROM session_events");
  const co = await client.query<{ id: string }>('SELECT request_id::text AS id FROM api_costs');
  const n = await client.query<{ events: number; costs: number }>(
    'SELECT (SELECT count(*) FROM session_events)::int AS events, (SELECT count(*) FROM api_costs)::int AS costs',
  );
  return {
    events: ev.rows.map((r) => r.id),
    costs: co.rows.map((r) => r.id),
    eventCount: n.rows[0]?.events ?? 0,
    costCount: n.rows[0]?.costs ?? 0,
  };
}

/** writtenAt (ms) of each session's last checkpoint in Redis; undefined when it has none. */
export async function checkpointTimes(
  redis: Redis,
  prefix: string,
  sessionIds: readonly string[],
): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (const id of sessionIds) {
    const keys = checkpointKeys(prefix, id);
    const raw = (await redis.get(keys.full)) ?? (await redis.hget(keys.parts, 'session'));
    const writtenAt = raw === null ? undefined : Date.parse((JSON.parse(raw) as { writtenAt?: string }).writtenAt ?? '');
    out.set(id, writtenAt === undefined || Number.isNaN(writtenAt) ? undefined : writtenAt);
  }
  return out;
}
