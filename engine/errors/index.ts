export { LoadlabError, isLoadlabError, redactUrl, redactSecrets } from './loadlab-error.js';
export { defineErrors, errorKind, registeredErrors } from './registry.js';
export type { ErrorCode, ErrorCodeRegistry, ErrorEntry, ErrorKind } from './registry.js';
export { ENGINE_ERRORS } from './codes.js';
export type { EngineErrorCode } from './codes.js';
