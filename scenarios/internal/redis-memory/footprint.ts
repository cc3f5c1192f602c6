import type { KeyGroup } from './inventory.js';

/**
 * The parts of a session's Redis footprint the audit names (§4.3: metadata ~5 KB, events ~10 KB,
 * checkpoints ~50 KB), plus the optimized variant's cost journal and whatever else a session leaves.
 */
export type Component = 'checkpoint' | 'costJournal' | 'events' | 'metadata' | 'other';

const COMPONENTS: readonly Component[] = ['checkpoint', 'costJournal', 'events', 'metadata', 'other'];

/** By key pattern: `checkpoint:{session}` (full format) and `checkpoint_parts:{session}` (incremental) are checkpoints. */
export function componentOf(pattern: string): Component {
  if (pattern.startsWith('checkpoint')) return 'checkpoint';
  if (pattern.startsWith('cost_journal')) return 'costJournal';
  if (pattern.startsWith('events_')) return 'events';
  if (pattern.startsWith('metadata')) return 'metadata';
  return 'other';
}

export interface Footprint {
  /** Bytes per session, whole and by component. */
  perSession: number;
  components: Record<Component, number>;
  /** Per session, in keys still resident after the 1 h terminal expiry (long TTL or none). */
  longLivedPerSession: number;
  /** Keys not named after a session (user context, caches): counted once, not per session. */
  shared: number;
  keysPerSession: number;
  /** Every session of the last 7 days resident (the audit's framing: 1,000/day × 7-day TTL). */
  allResident: number;
  /** bo1's own cleanup (§6): ~1 h of completed sessions keep every key, older ones only the long-lived ones. */
  steadyState: number;
}

export function footprint(groups: readonly KeyGroup[], sessions: number, o: { extrapolateTo: number; sessionsPerDay: number }): Footprint {
  const perSessionGroups = groups.filter((g) => g.perSession);
  const sum = (gs: readonly KeyGroup[], f: (g: KeyGroup) => number): number => gs.reduce((a, g) => a + f(g), 0);
  const components = Object.fromEntries(
    COMPONENTS.map((c) => [
      c,
      sum(
        perSessionGroups.filter((g) => componentOf(g.pattern) === c),
        (g) => g.bytes,
      ) / sessions,
    ]),
  ) as Record<Component, number>;
  const perSession = sum(perSessionGroups, (g) => g.bytes) / sessions;
  const longLivedPerSession = sum(perSessionGroups, (g) => g.bytesLongLived) / sessions;
  const shared = sum(
    groups.filter((g) => !g.perSession),
    (g) => g.bytes,
  );
  const hourOfSessions = o.sessionsPerDay / 24;
  return {
    perSession,
    components,
    longLivedPerSession,
    shared,
    keysPerSession: sum(perSessionGroups, (g) => g.keys) / sessions,
    allResident: perSession * o.extrapolateTo + shared,
    steadyState: hourOfSessions * perSession + (o.extrapolateTo - hourOfSessions) * longLivedPerSession + shared,
  };
}
