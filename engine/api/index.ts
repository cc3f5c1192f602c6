/** The engine's HTTP API (Fastify): bo1's routes, SSE, auth, validation, health, metrics, OpenAPI. */
export { createApiServer, resolveApiSettings } from './server.js';
export type { ApiServer, ApiServerOptions, ApiSettingsInput } from './server.js';
export { API_DEFAULTS } from './defaults.js';
export type { ApiSettings, RateLimitSettings } from './defaults.js';
export { API_ERROR_STATUS } from './errors.js';
export type { ApiErrorBody } from './errors.js';
export type { AuthUser } from './auth.js';
export type { ApiMetrics } from './metrics.js';
