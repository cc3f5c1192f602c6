/** SessionManager: concurrency cap, FIFO eviction with grace period, kill, consistent status (§6). */
export { SessionManager } from './manager.js';
export type {
  EvictionRecord,
  SessionEndStatus,
  SessionEventSink,
  SessionHandle,
  SessionManagerOptions,
  SessionManagerStats,
  SessionResult,
  SessionTask,
} from './manager.js';
export { TERMINAL_STATUSES } from './metadata.js';
export type { SessionMetadataPipeline, SessionMetadataRedis } from './metadata.js';
