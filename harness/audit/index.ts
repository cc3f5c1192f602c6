export { CLAIMS, checkClaim, claimSpec, unmeasuredClaims } from './claims.js';
export type { ClaimSpec } from './claims.js';
