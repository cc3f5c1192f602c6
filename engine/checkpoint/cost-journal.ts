import type { Redis } from 'ioredis';
import type { ApiCostInput } from '../db/index.js';

export const costJournalKey = (prefix: string, sessionId: string): string => `${prefix}cost_journal:${sessionId}`;

/**
 * Per-session count of cost records and, when enabled, a Redis list holding each record as it is
 * generated: the CostTracker buffers up to 100 records for up to 30 s (§5.2), and a crash loses
 * that buffer; the journal lets a resume write them (idempotent on request_id + created_at).
 */
export class CostJournal {
  private readonly counts = new Map<string, number>();
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  failures = 0;
  appended = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly enabled: boolean,
    private readonly ttlSeconds: number,
    private readonly encode: (r: ApiCostInput) => string,
  ) {}

  /** Called for every record the tracker accepted. Never throws: a failed append only weakens the resume. */
  append(record: ApiCostInput): void {
    const sessionId = record.sessionId;
    if (sessionId === null) return;
    this.counts.set(sessionId, (this.counts.get(sessionId) ?? 0) + 1);
    if (!this.enabled) return;
    const key = costJournalKey(this.prefix, sessionId);
    const write = this.redis
      .pipeline()
      .rpush(key, this.encode(record))
      .expire(key, this.ttlSeconds)
      .exec()
      .then(
        () => {
          this.appended += 1;
        },
        () => {
          this.failures += 1;
        },
      );
    let set = this.pending.get(sessionId);
    if (set === undefined) this.pending.set(sessionId, (set = new Set()));
    set.add(write);
    void write.finally(() => set.delete(write));
  }

  count(sessionId: string): number {
    return this.counts.get(sessionId) ?? 0;
  }

  /** Sets the count a resumed session continues from (records of the dead process included). */
  seed(sessionId: string, n: number): void {
    this.counts.set(sessionId, n);
  }

  /** Waits for the session's appends in flight, so a checkpoint never counts records the journal lacks. */
  async settled(sessionId: string): Promise<void> {
    const set = this.pending.get(sessionId);
    if (set !== undefined && set.size > 0) await Promise.all([...set]);
  }

  async read(sessionId: string): Promise<string[]> {
    return this.redis.lrange(costJournalKey(this.prefix, sessionId), 0, -1);
  }

  async expire(sessionId: string, ttlSeconds: number): Promise<void> {
    if (this.enabled) await this.redis.expire(costJournalKey(this.prefix, sessionId), ttlSeconds).catch(() => undefined);
  }

  forget(sessionId: string): void {
    this.counts.delete(sessionId);
    this.pending.delete(sessionId);
  }
}
