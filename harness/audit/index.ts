export { CLAIMS, checkClaim, claimSpec, unmeasuredClaims } from './claims.js';
export type { ClaimSpec } from './claims.js';
export { ENGINE_FEATURES, NOTHING_DISABLED, parseDisabled, SWITCH_NAMES, withDisabled } from './switches.js';
export type { DisabledOptimizations } from './switches.js';
