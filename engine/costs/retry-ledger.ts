import type { ApiCostInput } from '../db/index.js';

/**
 * The tracker's own records waiting in the Redis retry list, by request id. Up to `shadowMax` of
 * them also keep the full record in memory, so they can be pushed again if Redis restarts
 * without persistence and the list comes back shorter (docs/decisions/003). Records beyond the
 * bound (or all, with 0) keep only their session id: their loss can be counted, not undone.
 */
export class RetryLedger {
  private readonly entries = new Map<string, { sessionId: string | null; record: ApiCostInput | undefined }>();
  private shadowed = 0;

  constructor(private readonly shadowMax: number) {}

  get size(): number {
    return this.entries.size;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  add(records: readonly ApiCostInput[]): void {
    for (const r of records) {
      if (this.entries.has(r.requestId)) continue;
      const keep = this.shadowed < this.shadowMax;
      if (keep) this.shadowed += 1;
      this.entries.set(r.requestId, { sessionId: r.sessionId, record: keep ? r : undefined });
    }
  }

  /** Removes an entry; returns it (undefined when the id is not ours or no longer queued). */
  take(requestId: string): { sessionId: string | null; record: ApiCostInput | undefined } | undefined {
    const e = this.entries.get(requestId);
    if (e === undefined) return undefined;
    this.entries.delete(requestId);
    if (e.record !== undefined) this.shadowed -= 1;
    return e;
  }

  /** Sessions that still have a record waiting. */
  sessions(): Set<string> {
    const out = new Set<string>();
    for (const e of this.entries.values()) if (e.sessionId !== null) out.add(e.sessionId);
    return out;
  }
}
