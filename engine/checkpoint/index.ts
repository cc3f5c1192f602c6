/** Deliberation checkpoints after every step, and resume in a new process (docs/audited-system.md §8.2, docs/decisions/006). */
export { CHECKPOINT_DEFAULTS } from './defaults.js';
export type { CheckpointFallback, CheckpointFormat, CheckpointSettings } from './defaults.js';
export { CHECKPOINT_ERRORS } from './errors.js';
export { Checkpointer } from './checkpointer.js';
export type { CheckpointCounters, CheckpointerOptions } from './checkpointer.js';
export type { CheckpointRecord } from './internal/codec.js';
export { checkpointKeys } from './internal/stores.js';
export type { StoreKind } from './internal/stores.js';
export { CostJournal, costJournalKey } from './cost-journal.js';
export { judgeLease, leaseKey, Leases } from './lease.js';
export type { LeaseState, LeaseValue } from './lease.js';
export { lastIssuedSequence, prepareResume } from './resume.js';
export type { ResumeDeps, ResumeReport } from './resume.js';
