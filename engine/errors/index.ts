export { LoadlabError, isLoadlabError, redactUrl, redactSecrets } from './loadlab-error.js';
export type { ErrorKind } from './loadlab-error.js';
export { ENGINE_ERRORS } from './codes.js';
export type { EngineErrorCode } from './codes.js';
