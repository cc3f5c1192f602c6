/**
 * Checkpoint settings (the `checkpoint` config section). ENGINE_DEFAULTS style: this literal is
 * the optimized (recommended) form; the audited form is in engine/config VARIANT_PROFILES.
 * docs/decisions/006-checkpoints.md says why each optimized value differs.
 */
/** `full`: the whole state on every step (LangGraph's saver, §8.2). `incremental`: only the parts a step changed. */
export type CheckpointFormat = 'full' | 'incremental';
/** Where checkpoints go when Redis does not answer at session start: process `memory` (audited) or `postgres`. */
export type CheckpointFallback = 'memory' | 'postgres';

export const CHECKPOINT_DEFAULTS = {
  format: 'incremental' as CheckpointFormat,
  fallback: 'postgres' as CheckpointFallback,
  ttlSeconds: 604_800, // §8.2 checkpoint_ttl_seconds 7 d
  /** TTL once the session ended: kept for inspection, not for a week (audited keeps ttlSeconds). */
  endedTtlSeconds: 3_600,
  /** Each cost record also RPUSHed to a per-session Redis list, so a crash cannot lose the buffered ones. */
  costJournal: true,
  /** On resume, events of the session's Redis history missing from session_events are written there. */
  replayEvents: true,
  /**
   * A session left running with no checkpoint at all (its engine died during its first step)
   * starts again from the first step; off (audited), it is marked failed with LL_CHECKPOINT_LOST.
   */
  restartWithoutCheckpoint: true,
  /** A session's engine renews its lease this often (ms); older than leaseMs, the engine is presumed dead. */
  leaseMs: 15_000,
};

export type CheckpointSettings = typeof CHECKPOINT_DEFAULTS;
