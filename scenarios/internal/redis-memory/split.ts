import { componentOf, type Component } from './footprint.js';
import type { KeyGroup } from './inventory.js';

/** One component of the per-session footprint (§4.3's metadata, events or checkpoints), from the inventory. */
export interface ComponentShare {
  component: Component;
  /** Mean bytes per session: the same figure as Footprint.components, so the split adds up to C22's whole. */
  perSession: number;
  /** Smallest and largest session (a session without such a key counts 0): sub-problem counts differ. */
  min: number;
  max: number;
  keysPerSession: number;
  /** Elements per session (events in events_history, fields in a checkpoint hash, 1 per string key). */
  itemsPerSession: number;
  patterns: string[];
}

/** `sessionIds`: every session of the run, so one that left no key of this component counts as 0 bytes. */
export function componentShare(groups: readonly KeyGroup[], component: Component, sessionIds: readonly string[]): ComponentShare {
  const mine = groups.filter((g) => g.perSession && componentOf(g.pattern) === component);
  const n = Math.max(1, sessionIds.length);
  const bytesOf = (id: string): number => mine.reduce((a, g) => a + (g.bySession.get(id) ?? 0), 0);
  const each = sessionIds.map(bytesOf);
  const sum = (f: (g: KeyGroup) => number): number => mine.reduce((a, g) => a + f(g), 0);
  return {
    component,
    perSession: sum((g) => g.bytes) / n,
    min: each.length === 0 ? 0 : Math.min(...each),
    max: each.length === 0 ? 0 : Math.max(...each),
    keysPerSession: sum((g) => g.keys) / n,
    itemsPerSession: sum((g) => g.items) / n,
    patterns: mine.map((g) => g.pattern),
  };
}
