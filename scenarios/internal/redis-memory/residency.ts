import type { KeyGroup } from './inventory.js';

export const DAY_SECONDS = 86_400;

/** The per-session key group that outlives its session longest, by the TTL Redis reports on it. */
export interface LongestLived {
  pattern: string;
  /** Remaining TTL read right after the sessions ended (Infinity: a key without TTL). */
  ttlSeconds: number;
  /** Every per-session group's longest TTL, longest first, for the summary. */
  all: { pattern: string; ttlSeconds: number }[];
}

export function longestLived(groups: readonly KeyGroup[]): LongestLived | undefined {
  const all = groups
    .filter((g) => g.perSession)
    .map((g) => ({ pattern: g.pattern, ttlSeconds: g.maxTtlSeconds }))
    .sort((a, b) => b.ttlSeconds - a.ttlSeconds);
  const top = all[0];
  return top === undefined ? undefined : { ...top, all };
}

/**
 * Sessions that still have keys in Redis once arrivals have run longer than the TTL: every session
 * of the last TTL's worth of days (§4.3: 1,000/day × 7 d). Infinite without a TTL.
 */
export function residentSessions(ttlSeconds: number, sessionsPerDay: number): number {
  return (ttlSeconds / DAY_SECONDS) * sessionsPerDay;
}
