export { createLogger, LOG_DEFAULTS, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
