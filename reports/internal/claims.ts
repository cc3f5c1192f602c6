/**
 * The claims check as both renderers show it: grouped by evidence class, tallied by class and
 * verdict, each with its one-line method. Plain text; the caller escapes. Nothing is judged here:
 * verdicts, constants and reasons are read from the RunResult as the harness wrote them.
 */
import type { Claim, ClaimConstant, EvidenceClass, Unit, Verdict } from '../../harness/result/index.js';
import { fmtValue } from './format.js';

/** Results written before evidence classes carry none; they are shown last, as such. */
type ClassOrNone = EvidenceClass | 'unclassified';

const CLASS_ORDER: readonly ClassOrNone[] = ['measured', 'modelled', 'conformance', 'premise', 'unclassified'];
const VERDICT_ORDER: readonly Verdict[] = ['confirmed', 'refuted', 'inconclusive', 'premise-false'];

/** One line per class for the legend above the table (docs/claims.md has the long form). */
export const CLASS_MEANING: Readonly<Record<ClassOrNone, string>> = {
  measured: "decided by real PostgreSQL, Redis and engine code under the scenario's load",
  modelled:
    'follows from configured constants (mock latencies, token sizes, request mixes); each constant is shown with its plausible range and, where re-judged, the verdict at both ends',
  conformance: 'the re-implementation reproduces a design property of the audited system; the method says what would break it',
  premise: "the audit's premise checked against the audited system as it stood on 2025-12-22",
  unclassified: 'written before evidence classes were recorded',
};

export const classOf = (c: Claim): ClassOrNone => c.evidence ?? 'unclassified';

/** Claims in class order (measured, modelled, conformance, premise), keeping their order within a class. */
export function claimsByClass(claims: readonly Claim[]): Claim[] {
  return CLASS_ORDER.flatMap((k) => claims.filter((c) => classOf(c) === k));
}

/** "54 audit claims: 20 measured (6 confirmed, 11 refuted, 3 inconclusive), 12 modelled (…), …". */
export function claimTally(claims: readonly Claim[]): string {
  if (claims.length === 0) return 'no audit claims checked';
  const parts = CLASS_ORDER.flatMap((k) => {
    const inClass = claims.filter((c) => classOf(c) === k);
    if (inClass.length === 0) return [];
    const verdicts = VERDICT_ORDER.map((v) => [v, inClass.filter((c) => c.verdict === v).length] as const)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${v}`);
    return [`${inClass.length} ${k} (${verdicts.join(', ')})`];
  });
  return `${claims.length} audit claims: ${parts.join(', ')}`;
}

/** `measuredLow/High` are the claim's measurement (in the claim's unit) re-run with the constant at each end. */
function constantText(k: ClaimConstant, claimUnit: Unit): string {
  const at = k.value === null ? 'not reported' : fmtValue(k.value, k.unit);
  const end = (v: Verdict | null, m: number | null): string =>
    v === null || m === null ? 'not re-judged' : `${v} (${fmtValue(m, claimUnit)})`;
  const ends =
    k.verdictLow === null && k.verdictHigh === null
      ? ''
      : `; at low ${end(k.verdictLow, k.measuredLow)}, at high ${end(k.verdictHigh, k.measuredHigh)}`;
  return `${k.name} = ${at} (plausible ${fmtValue(k.low, k.unit)}..${fmtValue(k.high, k.unit)}: ${k.basis})${ends}`;
}

/** The one-line method, plus the constants of a modelled claim and the fact behind a false premise. */
export function methodText(c: Claim): string {
  const parts = [`${c.approach ?? c.method}.`];
  const constants = c.constants ?? [];
  if (constants.length > 0) {
    const none = constants.every((k) => k.verdictLow === null && k.verdictHigh === null);
    parts.push(
      `Constants: ${constants.map((k) => constantText(k, c.measured.unit)).join('; ')}.${none ? ' Not yet re-judged at the ends of these ranges.' : ''}`,
    );
  }
  if (c.premiseFalse !== undefined) {
    const change =
      c.premiseFalse.changeVerdict === null
        ? 'not measured in this run'
        : `the claim's bound would read it as ${c.premiseFalse.changeVerdict}`;
    parts.push(
      `Premise false: ${c.premiseFalse.fact} (${c.premiseFalse.ref}). What the recommendation still changes: ${fmtValue(c.measured.value, c.measured.unit)}; ${change}.`,
    );
  }
  return parts.join(' ');
}
