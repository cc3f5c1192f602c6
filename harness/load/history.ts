import type { Counter } from '../result/index.js';
import { errorCode } from './types.js';

export type HistoryOutcome = 'pending' | 'ok' | 'fail' | 'unknown';

export interface HistoryEntry {
  id: string;
  /** ms since the history was created. */
  invokedAt: number;
  completedAt: number | null;
  outcome: HistoryOutcome;
  error?: string;
}

/**
 * A Jepsen-style operation history for correctness oracles: every write the workload attempts is
 * recorded as invoked, then ok (acknowledged), fail (definitely not applied) or unknown (timed
 * out, connection lost: it may or may not have been applied). The checker compares it with what
 * the store really holds.
 */
export class History {
  private readonly entries = new Map<string, HistoryEntry>();
  private readonly t0 = performance.now();

  private now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  invoke(id: string): void {
    this.entries.set(id, { id, invokedAt: this.now(), completedAt: null, outcome: 'pending' });
  }

  ok(id: string): void {
    this.complete(id, 'ok');
  }

  /** Use only when the operation definitely did not take effect (e.g. rejected by validation). */
  fail(id: string, err?: unknown): void {
    this.complete(id, 'fail', err);
  }

  /** The outcome cannot be known (timeout, reset mid-request). */
  unknown(id: string, err?: unknown): void {
    this.complete(id, 'unknown', err);
  }

  /** Records invoke, runs `fn`, and classifies: resolve -> ok, `isDefiniteFailure(err)` -> fail, else unknown. */
  async track<T>(id: string, fn: () => Promise<T>, isDefiniteFailure: (err: unknown) => boolean = () => false): Promise<T> {
    this.invoke(id);
    try {
      const v = await fn();
      this.ok(id);
      return v;
    } catch (err) {
      if (isDefiniteFailure(err)) this.fail(id, err);
      else this.unknown(id, err);
      throw err;
    }
  }

  private complete(id: string, outcome: HistoryOutcome, err?: unknown): void {
    const e = this.entries.get(id) ?? { id, invokedAt: this.now(), completedAt: null, outcome: 'pending' as const };
    const next: HistoryEntry = { ...e, completedAt: this.now(), outcome };
    if (err !== undefined) next.error = errorCode(err);
    this.entries.set(id, next);
  }

  list(): HistoryEntry[] {
    return [...this.entries.values()];
  }
}

export interface UnexpectedEntry {
  id: string;
  reason: 'never-invoked' | 'reported-failed';
}

export interface HistoryCheck {
  /** No loss, no duplicate, nothing unexpected. Indeterminate ops alone do not invalidate. */
  valid: boolean;
  attempted: number;
  acknowledged: number;
  observed: number;
  /** Acknowledged but absent from the store: data loss. */
  lost: string[];
  /** Present more than once. */
  duplicated: { id: string; count: number }[];
  /** Present though never attempted, or attempted and reported as failed. */
  unexpected: UnexpectedEntry[];
  /** Outcome unknown (or never completed) and absent: allowed, but reported. */
  indeterminate: string[];
  /** Outcome unknown and present: the write took effect after all. */
  recovered: string[];
}

/**
 * Compares a history with the ids observed in the store (e.g. session_events rows; pass every
 * row, duplicates included, so duplicates can be found).
 */
export function checkHistory(history: History | readonly HistoryEntry[], observedIds: Iterable<string>): HistoryCheck {
  const entries = history instanceof History ? history.list() : history;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const seen = new Map<string, number>();
  let observed = 0;
  for (const id of observedIds) {
    seen.set(id, (seen.get(id) ?? 0) + 1);
    observed++;
  }
  const lost: string[] = [];
  const indeterminate: string[] = [];
  const recovered: string[] = [];
  const unexpected: UnexpectedEntry[] = [];
  for (const e of entries) {
    const present = seen.has(e.id);
    if (e.outcome === 'ok' && !present) lost.push(e.id);
    if (e.outcome === 'fail' && present) unexpected.push({ id: e.id, reason: 'reported-failed' });
    if (e.outcome === 'unknown' || e.outcome === 'pending') (present ? recovered : indeterminate).push(e.id);
  }
  const duplicated: { id: string; count: number }[] = [];
  for (const [id, count] of seen) {
    if (count > 1) duplicated.push({ id, count });
    if (!byId.has(id)) unexpected.push({ id, reason: 'never-invoked' });
  }
  return {
    valid: lost.length === 0 && duplicated.length === 0 && unexpected.length === 0,
    attempted: entries.length,
    acknowledged: entries.filter((e) => e.outcome === 'ok').length,
    observed,
    lost,
    duplicated,
    unexpected,
    indeterminate,
    recovered,
  };
}

/** The check as RunResult counters under `prefix` (e.g. "events" -> "events.lost"). */
export function historyCounters(prefix: string, c: HistoryCheck): Record<string, Counter> {
  const n = (value: number): Counter => ({ value, unit: 'count' });
  return {
    [`${prefix}.attempted`]: n(c.attempted),
    [`${prefix}.acknowledged`]: n(c.acknowledged),
    [`${prefix}.lost`]: n(c.lost.length),
    [`${prefix}.duplicated`]: n(c.duplicated.length),
    [`${prefix}.unexpected`]: n(c.unexpected.length),
    [`${prefix}.indeterminate`]: n(c.indeterminate.length),
    [`${prefix}.recovered`]: n(c.recovered.length),
  };
}
