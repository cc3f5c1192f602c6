import os from 'node:os';
import path from 'node:path';

export const INFRA_DEFAULTS = {
  /** Where run records and embedded data directories live; shared by all runs so a crashed run's leftovers are found by the next one. */
  stateDir: path.join(os.tmpdir(), 'loadlab-state'),
  redisBinary: 'redis-server',
  redisStartTimeoutMs: 10_000,
  pgStartTimeoutMs: 60_000,
  /** A fast shutdown of the embedded server; past it the postmaster is SIGKILLed. */
  pgStopTimeoutMs: 20_000,
  /** Embedded PostgreSQL preloads these so query scenarios can read pg_stat_statements and auto_explain. */
  pgPreload: ['pg_stat_statements', 'auto_explain'],
  pgMaxConnections: 300,
  databasePrefix: 'loadlab',
} as const;

export interface InfraOptions {
  /** Use this server instead of an embedded one (its database part is ignored: each run creates its own databases). */
  databaseUrl?: string | undefined;
  /** Use this Redis instead of a redis-server child (faults that kill or pause Redis then need a child). */
  redisUrl?: string | undefined;
  /** Keep databases and the embedded data directory after the run. */
  keep?: boolean | undefined;
  stateDir?: string | undefined;
  /** Whether a Redis is needed at all. */
  redis?: boolean | undefined;
}
