export { provisionInfra } from './provision.js';
export type { Infra } from './provision.js';
export { closeOnExit } from './shutdown.js';
export { INFRA_DEFAULTS } from './defaults.js';
export type { InfraOptions } from './defaults.js';
export type { PostgresHandle } from './postgres.js';
export { createDatabase, dropDatabase } from './postgres.js';
export type { RedisHandle } from './redis.js';
export { startRedisChild, externalRedis, findBinary } from './redis.js';
export { cleanupStale, liveRuns } from './registry.js';
export type { StaleCleanup, RunRecord } from './registry.js';
export { freePort, isPortOpen } from './ports.js';
export { isAlive } from './processes.js';
export { clusterBytes, DiskMonitor, DISK_DEFAULTS, freeBytesAt, locateData } from './disk.js';
export type { DataLocation, DiskSummary } from './disk.js';
export {
  findPgbouncer,
  pgbouncerConfig,
  pgbouncerTracksPrepared,
  pgbouncerVersion,
  PGBOUNCER_DEFAULTS,
  startPgbouncer,
} from './pgbouncer.js';
export type { PgbouncerHandle, PgbouncerOptions } from './pgbouncer.js';
