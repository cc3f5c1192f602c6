import fs from 'node:fs';
import type pg from 'pg';
import { connectClient } from '../../engine/migrate/index.js';
import type { DiskUse } from '../result/index.js';

export const DISK_DEFAULTS = {
  /** How often the run samples the cluster's size while it runs. */
  sampleIntervalMs: 2_000,
} as const;

/** Where the server keeps its data, and how much room is left there (null: cannot be known from here). */
export interface DataLocation {
  /** The server's data_directory, or null when the server would not say (no superuser). */
  directory: string | null;
  /** Free bytes on that directory's filesystem for an unprivileged writer, or null. */
  freeBytes: number | null;
  /** Why freeBytes is null, in words (remote server, directory not visible from here...). */
  unknownBecause?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Free bytes on the filesystem that holds `dir` (statfs; what a non-root writer may still use). */
export function freeBytesAt(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await connectClient(adminUrl);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * The data directory of the server behind `adminUrl` and the free space there. Only a server on
 * this machine (loopback address) can be measured: the directory must also be visible to this
 * process (same host, not a container's private filesystem).
 */
export async function locateData(adminUrl: string): Promise<DataLocation> {
  const host = new URL(adminUrl).hostname;
  let directory: string | null = null;
  try {
    directory = await withAdmin(
      adminUrl,
      async (c) => (await c.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? null,
    );
  } catch {
    return {
      directory: null,
      freeBytes: null,
      unknownBecause: 'the server does not show its data_directory to this role (superuser or pg_read_all_settings needed)',
    };
  }
  if (!LOOPBACK.has(host)) return { directory, freeBytes: null, unknownBecause: `the server is on ${host}, not on this machine` };
  if (directory === null || !fs.existsSync(directory))
    return {
      directory,
      freeBytes: null,
      unknownBecause: `its data directory ${directory ?? '(unknown)'} is not visible from this process (another container or host?)`,
    };
  return { directory, freeBytes: freeBytesAt(directory) };
}

/** Total on-disk size of every database of the cluster (pg_database_size), bytes. */
export async function clusterBytes(adminUrl: string): Promise<number> {
  return withAdmin(adminUrl, async (c) =>
    Number((await c.query<{ b: string }>('SELECT sum(pg_database_size(datname))::bigint AS b FROM pg_database')).rows[0]?.b ?? 0),
  );
}

/** On-disk size of the named databases (those that exist), bytes. */
async function databasesBytes(adminUrl: string, names: readonly string[]): Promise<number> {
  if (names.length === 0) return 0;
  return withAdmin(adminUrl, async (c) =>
    Number(
      (
        await c.query<{ b: string | null }>('SELECT sum(pg_database_size(datname))::bigint AS b FROM pg_database WHERE datname = ANY($1)', [
          names,
        ])
      ).rows[0]?.b ?? 0,
    ),
  );
}

/** What a run's disk use looked like, for RunResult.environment.disk (the preflight is added by the runner). */
export type DiskSummary = Omit<DiskUse, 'preflight'>;

/**
 * Samples the cluster's size (and the free space of its filesystem when known) on a timer and on
 * demand (`sample()` after each database is created or dropped), keeping the peak. Sampling
 * failures are skipped: a run is never failed by its own disk accounting.
 */
export class DiskMonitor {
  private timer: NodeJS.Timeout | undefined;
  private start: number | undefined;
  private peak = 0;
  private peakOwn = 0;
  private startFree: number | null = null;
  private minFree: number | null = null;
  private samples = 0;
  private pending: Promise<void> = Promise.resolve();

  /**
   * `own` names the run's databases: their total is what the run added. Without it the growth of
   * the whole cluster stands in, which other clients of a shared server also move.
   */
  constructor(
    private readonly adminUrl: string,
    private readonly location: DataLocation,
    private readonly intervalMs = DISK_DEFAULTS.sampleIntervalMs,
    private readonly own?: () => readonly string[],
  ) {}

  /** Takes the first sample and starts the timer (unref'd: it never keeps the process alive). */
  async begin(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      void this.sample();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One sample now; samples never overlap. */
  sample(): Promise<void> {
    this.pending = this.pending.then(async () => {
      try {
        const bytes = await clusterBytes(this.adminUrl);
        this.start ??= bytes;
        this.peak = Math.max(this.peak, bytes);
        if (this.own !== undefined) this.peakOwn = Math.max(this.peakOwn, await databasesBytes(this.adminUrl, this.own()));
        this.samples += 1;
        if (this.location.directory !== null && this.location.freeBytes !== null) {
          const free = freeBytesAt(this.location.directory);
          this.startFree ??= free;
          this.minFree = this.minFree === null ? free : Math.min(this.minFree, free);
        }
      } catch {
        // the server may be restarting (pg-restart fault) or gone at teardown: skip this sample
      }
    });
    return this.pending;
  }

  /** Stops the timer after a last sample and returns the summary. */
  async end(): Promise<DiskSummary> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.sample();
    const start = this.start ?? 0;
    return {
      startClusterBytes: start,
      peakClusterBytes: this.peak,
      peakAddedBytes: this.own === undefined ? Math.max(0, this.peak - start) : this.peakOwn,
      startFreeBytes: this.startFree,
      minFreeBytes: this.minFree,
      samples: this.samples,
      method:
        `sum of pg_database_size over the cluster${this.own === undefined ? '' : " and over the run's own databases (the peak added)"} every ${this.intervalMs / 1000} s and after every database created or dropped` +
        (this.startFree === null ? '' : "; free space by statfs of the data directory's filesystem"),
    };
  }
}
