import { LoadlabError } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import type { DataLocation } from '../infra/index.js';

export const PREFLIGHT_DEFAULTS = {
  /**
   * On-disk bytes per seeded session, every child row and index included: a `ci` database
   * (11,000 sessions, 1.3M rows in all, every optimisation applied, so the larger of the
   * variants) measured 1,145,462,119 bytes with pg_database_size on PostgreSQL 15, 2026-12-06.
   * The child tables grow with sessions (events, costs, contributions per session), so the
   * figure scales with the session count of any data size.
   */
  bytesPerSession: 104_200,
  /** Schema, catalog and users of an unseeded database (scenarios that start empty). */
  emptyDatabaseBytes: 16 * 1024 * 1024,
  /**
   * Room besides the databases: WAL written while the template is seeded and indexed (up to
   * max_wal_size and beyond during bulk load), sort and index-build temp files.
   */
  overheadBytes: 3 * 1024 ** 3,
  /** Relative margin on the estimate (row widths vary with the faker draw). */
  margin: 0.1,
} as const;

/** What the preflight needs to know of a scenario. */
export interface PreflightScenario {
  name: string;
  seededData?: boolean;
  seededDatabases?: number;
}

export interface DiskNeed {
  /** Bytes the run needs at its peak (template + largest scenario + overhead, with the margin). */
  bytes: number;
  perDatabaseBytes: number;
  /** Seeded databases alive at the peak: the template plus the largest scenario's clones. */
  peakDatabases: number;
  /** The scenario that sets the peak (null when none needs seeded data). */
  largest: string | null;
}

/**
 * The run's peak disk need. Each scenario's databases are dropped when it ends, so the peak is
 * the template plus the scenario holding the most clones at once, not the sum over the run.
 */
export function estimateDiskNeed(o: { sessions: number; scenarios: readonly PreflightScenario[] }): DiskNeed {
  const d = PREFLIGHT_DEFAULTS;
  const perDatabaseBytes = o.sessions * d.bytesPerSession;
  let largest: string | null = null;
  let clones = 0;
  for (const s of o.scenarios) {
    const n = s.seededData === true ? Math.max(1, s.seededDatabases ?? 1) : 0;
    if (n > clones) {
      clones = n;
      largest = s.name;
    }
  }
  const peakDatabases = clones === 0 ? 0 : clones + 1;
  const raw = peakDatabases * perDatabaseBytes + d.emptyDatabaseBytes * 2 + (peakDatabases > 0 ? d.overheadBytes : 0);
  return { bytes: Math.ceil(raw * (1 + d.margin)), perDatabaseBytes, peakDatabases, largest };
}

/** The preflight's verdict, for the log and the RunResult. */
export interface PreflightVerdict {
  needBytes: number;
  freeBytes: number | null;
  /** Where the free space was measured, or why it could not be. */
  where: string;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MB`;
  return `${Math.max(0, Math.round(n / 1024))} KB`;
}

/**
 * Refuses a run whose estimated peak does not fit in the free space where the data lives
 * (LL_DISK_INSUFFICIENT, exit 2) before any seeding starts; when the space cannot be known it
 * says so and lets the run go.
 */
export function checkDiskRoom(need: DiskNeed, location: DataLocation, dataSize: string): PreflightVerdict {
  const where =
    location.freeBytes === null
      ? `free space unknown (${location.unknownBecause ?? 'not measurable'})`
      : `${formatBytes(location.freeBytes)} free at ${location.directory ?? '?'}`;
  if (location.freeBytes !== null && need.bytes > location.freeBytes) {
    throw new LoadlabError(
      HARNESS_ERRORS.DISK_INSUFFICIENT,
      `this run needs about ${formatBytes(need.bytes)} of disk at its peak (${need.peakDatabases} databases of ${formatBytes(need.perDatabaseBytes)} at data size "${dataSize}": ` +
        `the template plus ${need.peakDatabases - 1} clone(s) for ${need.largest ?? '?'}, plus WAL and temp room), but only ${formatBytes(location.freeBytes)} is free at ${location.directory ?? '?'}`,
      {
        hint: `use a smaller data size (--data ci or --data default), point --database-url / DATABASE_URL at a server with more room, or run fewer scenarios (${need.largest ?? 'the largest'} holds the most clones)`,
      },
    );
  }
  return { needBytes: need.bytes, freeBytes: location.freeBytes, where };
}
