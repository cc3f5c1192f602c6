export { migrate, MIGRATE_DEFAULTS } from './migrate.js';
export type { MigrateOptions, MigrateReport } from './migrate.js';
export { OPTIMIZATIONS, OPTIMIZATION_NAMES, parseOptimizations } from './optimizations.js';
export type { OptimizationName, Optimization } from './optimizations.js';
export { ensureDatabase, connectClient } from './database.js';
