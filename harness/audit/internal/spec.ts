import type { EvidenceClass, Unit, Verdict } from '../../result/index.js';
import { expectedText, judge, type Bound } from './bounds.js';

/** A constant a `modelled` claim depends on, with the range a reader should test it over. */
export interface ConstantSpec {
  name: string;
  unit: Unit;
  low: number;
  high: number;
  /** Why this range is plausible; shown beside the verdicts. */
  basis: string;
}

/** The catalogue entry as written: everything a reader needs, nothing derived. */
export interface ClaimDefinition {
  id: string;
  /** The audit's words. */
  claim: string;
  section: string;
  evidence: EvidenceClass;
  /** What the bound is applied to, e.g. "audited queries per GET /sessions page". */
  measure: string;
  bound: Bound;
  unit: Unit;
  /** How the verdict is reached, in one line (conformance: and what would break it). */
  approach: string;
  /** The scenario that measures it; null when none does yet. */
  scenario: string | null;
  /**
   * Set when no audit profile runs the mode of `scenario` that measures it: the command that does
   * (the §6.2 tiers replace capacity's sweep, so only `loadlab run capacity --tier N` judges them).
   */
  runWith?: string;
  /** `modelled` only: every constant the verdict depends on. */
  constants?: readonly ConstantSpec[];
  /** Set when the claim's precondition did not hold on 2025-12-22: the verdict is `premise-false`. */
  premiseFalse?: { fact: string; ref: string };
}

/** A catalogue entry with what is derived from its bound: the `expected` text and the judge. */
export interface ClaimSpec extends ClaimDefinition {
  /** Generated from `bound`; never written by hand. */
  expected: string;
  judge: (value: number) => Verdict;
}

export function defineClaim(d: ClaimDefinition): ClaimSpec {
  return { ...d, expected: expectedText(d.measure, d.bound, d.unit), judge: (v) => judge(d.bound, v) };
}
