// The harness throws the same LoadlabError as the engine (one error type, one exit-code mapping
// by `kind`); only the code registry is its own.
export { ENGINE_ERRORS, LoadlabError, isLoadlabError } from '../../engine/errors/index.js';
export type { ErrorKind } from '../../engine/errors/index.js';
export { HARNESS_ERRORS } from './codes.js';
export type { HarnessErrorCode } from './codes.js';
