import { SEED_DEFAULTS } from '../defaults.js';
import type { SeedProfile } from '../profiles.js';
import { uuidFor } from './ids.js';
import { SEED_PERSONAS } from './personas.js';
import type { Pools } from './pools.js';
import { KIND, hash32, rngFrom } from './prng.js';
import type { Timeline } from './timeline.js';

/** Everything a table generator needs; immutable once built. */
export interface SeedContext {
  readonly seed: number;
  readonly profile: SeedProfile;
  readonly timeline: Timeline;
  readonly pools: Pools;
  /** Sessions owned by each user (index = user rank; rank 0 is the heaviest user). */
  readonly sessionsPerUser: Int32Array;
  /** Whether sessions.task_count exists (the `task-count` optimisation). */
  readonly hasTaskCount: boolean;
}

export type SessionStatus = 'completed' | 'failed' | 'killed' | 'terminated' | 'running' | 'paused';

/** The shape of one session, derived from (seed, index) alone; child rows follow from it. */
export interface SessionPlan {
  readonly k: number;
  readonly u: number;
  readonly id: string;
  readonly userId: string;
  readonly createdMs: number;
  /** End of the lifetime: completed/killed/terminated time, or last activity. */
  readonly endMs: number;
  readonly status: SessionStatus;
  readonly subProblems: number;
  readonly personas: readonly string[];
  /** Rounds held (all experts contribute once per round). */
  readonly rounds: number;
  readonly events: number;
  readonly costs: number;
  /** Tasks extracted (completed sessions only); also the number of actions created. */
  readonly tasks: number;
  readonly clarifications: number;
}

const MINUTE = 60_000;
const PERSONA_STEPS = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21] as const;

/**
 * Zipf-like sessions per user: rank r gets S·(r+1)^-s / Σ, rounded systematically (carrying the
 * remainder) so the total is exactly S and light users get 0 or 1 sessions in proportion.
 */
export function sessionsPerUser(profile: SeedProfile): Int32Array {
  const s = SEED_DEFAULTS.zipfExponent;
  let total = 0;
  for (let r = 0; r < profile.users; r++) total += (r + 1) ** -s;
  const counts = new Int32Array(profile.users);
  let cum = 0;
  let given = 0;
  for (let r = 0; r < profile.users; r++) {
    cum += (profile.sessions * (r + 1) ** -s) / total;
    const upTo = r === profile.users - 1 ? profile.sessions : Math.round(cum);
    counts[r] = upTo - given;
    given = upTo;
  }
  return counts;
}

export function userId(seed: number, u: number): string {
  return uuidFor(seed, KIND.user, u);
}

/** How many tags user u owns (~10): 8-12, or 0 for users without sessions. */
export function tagCount(ctx: SeedContext, u: number): number {
  return (ctx.sessionsPerUser[u] ?? 0) === 0 ? 0 : 8 + (hash32(ctx.seed, KIND.tagCount, u) % 5);
}

export function tagId(seed: number, u: number, i: number): string {
  return uuidFor(seed, KIND.tag, u * 16 + i);
}

export function actionId(seed: number, k: number, i: number): string {
  return uuidFor(seed, KIND.actions, k * 8 + i);
}

export function planSession(ctx: SeedContext, k: number, u: number, uid: string): SessionPlan {
  const r = rngFrom(ctx.seed, KIND.session, k);
  const { startMs, endMs: windowEnd } = ctx.timeline;
  // Activity grows over time: density rises towards the end of the window (mostly the recent past).
  const createdMs = startMs + Math.floor((windowEnd - startMs) * Math.sqrt(r.next()));
  const x = r.next();
  const status: SessionStatus =
    x < 0.93 ? 'completed' : x < 0.955 ? 'failed' : x < 0.97 ? 'killed' : x < 0.98 ? 'terminated' : x < 0.993 ? 'running' : 'paused';
  const done = status === 'completed';
  const lifetime = r.int(done ? 4 * MINUTE : MINUTE, done ? 45 * MINUTE : 20 * MINUTE);
  const subProblems = r.int(1, 4);
  const expertCount = r.int(3, 5);
  const first = r.int(0, SEED_PERSONAS.length - 1);
  // Odd steps below 23 are coprime with the 46 personas, so the picks are distinct.
  const step = r.pick(PERSONA_STEPS);
  const unique = Array.from(
    { length: expertCount },
    (_, i) => (SEED_PERSONAS[(first + i * step) % SEED_PERSONAS.length] as readonly [string, string, string])[0],
  );
  const rounds = done ? r.int(2, 5) : r.int(1, 3);
  const coreEvents = 2 + subProblems + unique.length + rounds * (unique.length + 3) + (done ? 3 : 1);
  const coreCosts = 2 + rounds * (unique.length + 2) + (done ? 1 : 0);
  return {
    k,
    u,
    id: `bo1_${uuidFor(ctx.seed, KIND.session, k)}`,
    userId: uid,
    createdMs,
    endMs: createdMs + lifetime,
    status,
    subProblems,
    personas: unique,
    rounds,
    events: Math.max(coreEvents, r.int(30, 70)),
    costs: Math.max(coreCosts, r.int(20, 50)),
    tasks: done ? r.int(1, 4) : 0,
    clarifications: r.int(0, 3),
  };
}

/** Walks every session in a fixed order (by user rank, then per-user index). */
export function* sessionPlans(ctx: SeedContext): Generator<SessionPlan> {
  let k = 0;
  const counts = ctx.sessionsPerUser;
  for (let u = 0; u < counts.length; u++) {
    const n = counts[u] ?? 0;
    if (n === 0) continue;
    const uid = userId(ctx.seed, u);
    for (let j = 0; j < n; j++) yield planSession(ctx, k++, u, uid);
  }
}
