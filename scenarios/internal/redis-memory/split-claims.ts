import { checkClaim, claimSpec } from '../../../harness/audit/index.js';
import type { Claim } from '../../../harness/result/index.js';
import type { Component, Footprint } from './footprint.js';
import type { KeyGroup } from './inventory.js';
import { DAY_SECONDS, longestLived, residentSessions } from './residency.js';
import { componentShare, type ComponentShare } from './split.js';

/** What one variant's sessions left in Redis, as the split claims need it (the scenario's VariantMemory fits). */
export interface SplitInput {
  variant: 'audited' | 'optimized';
  groups: KeyGroup[];
  footprint: Footprint;
  sessionIds: readonly string[];
  eventsEmitted: number;
  checkpointWrites: number;
  checkpointBytesWritten: number;
  checkpointMaxStoredBytes: number;
}

type Row = Omit<Claim, 'scenario'>;

const SESSIONS_PER_DAY = 'sessions.per_day';

const kb = (b: number): string => `${(b / 1000).toFixed(1)} KB`;
const range = (s: ComponentShare): string => `${kb(s.min)}-${kb(s.max)}`;
const duration = (s: number): string =>
  !Number.isFinite(s) ? 'no TTL' : s >= DAY_SECONDS ? `${(s / DAY_SECONDS).toFixed(2)} d` : `${(s / 3600).toFixed(2)} h`;

/** The C22 whole a component is part of, so each split claim shows it adds up (costJournal and other named). */
function ofWhole(f: Footprint): string {
  const c = f.components;
  return `of the audited ${kb(f.perSession)} per session C22 extrapolates (checkpoint ${kb(c.checkpoint)} + events ${kb(c.events)} + metadata ${kb(c.metadata)} + cost journal ${kb(c.costJournal)} + other ${kb(c.other)})`;
}

function share(m: SplitInput, c: Component): ComponentShare {
  return componentShare(m.groups, c, m.sessionIds);
}

/**
 * §4.3's 65 KB split into metadata (C39), events (C40) and checkpoints (C41), judged on the audited
 * variant with the optimized one beside it, and the 7,000 resident sessions (C42) from the TTLs
 * Redis reports on the finished sessions' keys.
 */
export function splitClaims(audited: SplitInput, optimized: SplitInput, o: { sessionsPerDay: number; method: string }): Row[] {
  return [
    metadataClaim(audited, optimized, o.method),
    eventsClaim(audited, optimized, o.method),
    checkpointClaim(audited, optimized, o.method),
    residencyClaim(audited, optimized, o),
  ];
}

function metadataClaim(a: SplitInput, o: SplitInput, method: string): Row {
  const s = share(a, 'metadata');
  const so = share(o, 'metadata');
  return checkClaim('C39', s.perSession, {
    summary: `audited: ${s.patterns.join(', ') || 'no metadata key'} ${kb(s.perSession)} per session (${range(s)} over ${a.sessionIds.length} sessions, ${s.keysPerSession.toFixed(1)} key each), ${ofWhole(a.footprint)}; optimized ${kb(so.perSession)}. The key is a JSON string of status and timestamps, as bo1's metadata:{session} (status, phase, cost: a few fields more, tens of bytes); bo1's legacy session:{session} state, which the engine does not write, is not counted`,
    method,
  });
}

function eventsClaim(a: SplitInput, o: SplitInput, method: string): Row {
  const s = share(a, 'events');
  const so = share(o, 'events');
  const perEvent = s.perSession / Math.max(1, s.itemsPerSession);
  const soPerEvent = so.perSession / Math.max(1, so.itemsPerSession);
  const n = a.sessionIds.length;
  return checkClaim('C40', s.perSession, {
    summary: `audited: events_history ${kb(s.perSession)} per session (${range(s)} over ${n} sessions) = ${s.itemsPerSession.toFixed(1)} events per session (LLEN; the engine emitted ${(a.eventsEmitted / Math.max(1, n)).toFixed(1)}) × ${Math.round(perEvent)} B per event (MEMORY USAGE / LLEN, list encoding included), against the audit's 50 × 200 B; ${ofWhole(a.footprint)}; optimized ${kb(so.perSession)} = ${so.itemsPerSession.toFixed(1)} × ${Math.round(soPerEvent)} B`,
    method,
  });
}

function checkpointClaim(a: SplitInput, o: SplitInput, method: string): Row {
  const s = share(a, 'checkpoint');
  const so = share(o, 'checkpoint');
  const n = Math.max(1, a.sessionIds.length);
  const written = a.checkpointBytesWritten / n;
  // The engine keeps the latest checkpoint; LangGraph kept every step's. The two retention models
  // bracket the audited system, so the summary says what the bound makes of the other end too.
  const kept = claimSpec('C41').judge(written);
  return checkClaim('C41', s.perSession, {
    summary: `audited (whole state after every step, one ${s.patterns.join(', ')} string overwritten each time): ${kb(s.perSession)} per session held after the session (${range(s)} over ${a.sessionIds.length} sessions), up to ${kb(a.checkpointMaxStoredBytes)} held by one session mid-session; ${(a.checkpointWrites / n).toFixed(0)} writes, ${kb(written)} written per session, the least a saver keeping every step (LangGraph, as bo1) would hold, which the same bound judges ${kept}; ${ofWhole(a.footprint)}. Optimized (incremental ${so.patterns.join(', ')}, finished sub-problems reduced to their outcome, 1 h after the end): ${kb(so.perSession)} held (${range(so)}), ${kb(o.checkpointBytesWritten / Math.max(1, o.sessionIds.length))} written`,
    method: `${method}. Judged on what Redis holds: the engine keeps the latest checkpoint only, so the per-step history LangGraph kept is not in Redis; the bytes written per session (the engine's checkpoint counters) stand for it in the summary`,
  });
}

function residencyClaim(a: SplitInput, o: SplitInput, p: { sessionsPerDay: number; method: string }): Row {
  const top = longestLived(a.groups);
  const topO = longestLived(o.groups);
  const constant = claimSpec('C42').constants?.find((c) => c.name === SESSIONS_PER_DAY);
  const at = (perDay: number | undefined): number | null =>
    top === undefined || perDay === undefined || !Number.isFinite(top.ttlSeconds) ? null : residentSessions(top.ttlSeconds, perDay);
  const value = at(p.sessionsPerDay);
  const groups = (l: typeof top): string => l?.all.map((g) => `${g.pattern} ${duration(g.ttlSeconds)}`).join(', ') ?? 'no per-session keys';
  const perDay = p.sessionsPerDay.toLocaleString('en');
  const fmt = (v: number | null): string => (v === null ? 'unbounded' : Math.round(v).toLocaleString('en'));
  // The next-longest group: sessions older than its TTL keep only the longest-lived group's keys.
  const next = top?.all.find((g) => g.ttlSeconds < top.ttlSeconds);
  const only = top === undefined || next === undefined ? '' : `; sessions older than ${duration(next.ttlSeconds)} keep only ${top.pattern}`;
  return checkClaim('C42', value, {
    summary: `TTLs read from Redis on the audited variant's ${a.sessionIds.length} finished sessions (longest per group): ${groups(top)}. The longest-lived group keeps a session's keys ${duration(top?.ttlSeconds ?? Number.NaN)} → ${fmt(value)} sessions with live keys at ${perDay}/day (${fmt(at(constant?.low))} at ${constant?.low.toLocaleString('en') ?? '?'}/day, ${fmt(at(constant?.high))} at ${constant?.high.toLocaleString('en') ?? '?'}/day)${only}. Optimized: ${groups(topO)} → ${fmt(topO === undefined || !Number.isFinite(topO.ttlSeconds) ? null : residentSessions(topO.ttlSeconds, p.sessionsPerDay))} sessions at ${perDay}/day`,
    method: `${p.method}. TTL of every key right after its variant's sessions ended, the longest per key group; resident sessions = longest TTL in days × sessions per day (arrivals steadier than the TTL)`,
    constants: { [SESSIONS_PER_DAY]: { value: p.sessionsPerDay, measuredLow: at(constant?.low), measuredHigh: at(constant?.high) } },
  });
}
