export { CLAIMS } from './claims.js';
export { checkClaim, claimSpec, constantRange, unmeasuredClaims } from './check.js';
export type { ClaimDetail, ConstantRun } from './check.js';
export type { ClaimSpec } from './internal/spec.js';
export { ENGINE_FEATURES, NOTHING_DISABLED, parseDisabled, SWITCH_NAMES, withDisabled } from './switches.js';
export type { DisabledOptimizations } from './switches.js';
