/**
 * Every tunable of the seeder in one literal (docs/contributing.md: one defaults literal per module). Sizes of profiles live in
 * profiles.ts; these are the loading mechanics.
 */
export const SEED_DEFAULTS = {
  /** COPY chunk size: ~64 KB chunks reach full COPY speed; one row per chunk is ~3x slower (measured with pg-copy-streams on Node 20). */
  copyChunkBytes: 64 * 1024,
  /** Parallel COPY streams (pool connections). More than ~4 only adds contention on a 2-core box. */
  connections: 4,
  /** Default --seed when none is given. */
  seed: 42,
  /** Size of each faker value pool; pools are drawn from per row, faker never runs per row. */
  poolSize: 1_024,
  /** Zipf exponent of sessions per user: 1.0 gives a few users with thousands of sessions at default size. */
  zipfExponent: 1.0,
  /** Longest session lifetime (ms); the sampling window stops this far before the last partition ends. */
  maxSessionMs: 60 * 60 * 1000,
  /** Progress callbacks fire at most this often per table (ms). */
  progressIntervalMs: 250,
  /**
   * Tables expected to receive at least this many rows get their secondary indexes dropped and
   * rebuilt around COPY; below it the DDL (one index per monthly partition) costs more than it saves.
   */
  rebuildIndexesMinRows: 50_000,
  /**
   * maintenance_work_mem for rebuilding secondary indexes after COPY (per connection, shared by its
   * parallel workers, each of which needs ≥ 32 MB): a `default` partition's sort fits in memory.
   */
  maintenanceWorkMem: '256MB',
  /** work_mem of the set-based FK validation: keeps the parents' key hashes (100K+ keys on `default`) in one batch. */
  validateWorkMem: '128MB',
  /** Parallel workers per btree build (PostgreSQL's max_parallel_maintenance_workers); GIN builds are serial before PG 18. */
  parallelMaintenanceWorkers: 2,
  /** Statement timeout of the seeding connections: 0 = none (a large profile COPY runs for minutes). */
  statementTimeoutMs: 0,
  /** application_name of the seeding connections: an abort cancels exactly these backends. */
  applicationName: 'loadlab-seed',
} as const;
