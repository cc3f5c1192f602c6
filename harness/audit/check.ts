import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import type { Claim, ClaimConstant, Spread, Verdict } from '../result/index.js';
import { edges, fmtBoundRange } from './internal/bounds.js';
import { CLAIMS } from './claims.js';
import type { ClaimSpec } from './internal/spec.js';

/*
 * Scenarios report a value with `checkClaim(id, value, …)`; claims no scenario measured in a run
 * are listed as inconclusive by `unmeasuredClaims`, so the claims table is always the whole audit.
 */

export function claimSpec(id: string): ClaimSpec {
  const spec = CLAIMS.find((c) => c.id === id);
  if (spec === undefined) {
    throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, `a scenario reported unknown claim id ${id}`, {
      hint: 'claim ids are listed in harness/audit/claims.ts',
    });
  }
  return spec;
}

/**
 * A constant's range as the catalogue gives it, so a scenario's re-runs follow the catalogue, not a
 * copy. An unknown name is a programming error, as in checkClaim.
 */
export function constantRange(id: string, name: string): { low: number; high: number } {
  const spec = claimSpec(id);
  const c = spec.constants?.find((k) => k.name === name);
  if (c === undefined) {
    throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, `claim ${id} has no constant ${name}`, {
      hint: `${id} depends on: ${(spec.constants ?? []).map((k) => k.name).join(', ') || 'no constants'}`,
    });
  }
  return { low: c.low, high: c.high };
}

/**
 * What a scenario knows about one constant of a modelled claim: its value in the run and, when it
 * re-ran the measurement with the constant at the low or high end of its range, those results.
 */
export interface ConstantRun {
  value: number | null;
  measuredLow?: number | null;
  measuredHigh?: number | null;
}

export interface ClaimDetail {
  summary: string;
  method: string;
  /** Modelled claims: keyed by constant name (the catalogue's); unknown names are a programming error. */
  constants?: Readonly<Record<string, ConstantRun>>;
  /** The measurement's spread over repeats: the verdict must hold at both ends (issue #14 part 5). */
  interval?: Spread;
}

const verdictOf = (spec: ClaimSpec, v: number | null): Verdict | null => (v === null || !Number.isFinite(v) ? null : spec.judge(v));

/** Turns a measurement into a claim row; `null` (not measurable here) gives `inconclusive`. */
export function checkClaim(id: string, value: number | null, detail: ClaimDetail): Omit<Claim, 'scenario'> {
  const spec = claimSpec(id);
  for (const name of Object.keys(detail.constants ?? {})) {
    if (!(spec.constants ?? []).some((c) => c.name === name)) {
      throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, `claim ${id} has no constant ${name}`, {
        hint: `${id} depends on: ${(spec.constants ?? []).map((c) => c.name).join(', ') || 'no constants'}`,
      });
    }
  }
  const point = verdictOf(spec, value);
  const constants = spec.constants?.map((c): ClaimConstant => {
    const run = detail.constants?.[c.name];
    const measuredLow = run?.measuredLow ?? null;
    const measuredHigh = run?.measuredHigh ?? null;
    return {
      name: c.name,
      unit: c.unit,
      value: run?.value ?? null,
      low: c.low,
      high: c.high,
      basis: c.basis,
      measuredLow,
      measuredHigh,
      verdictLow: verdictOf(spec, measuredLow),
      verdictHigh: verdictOf(spec, measuredHigh),
    };
  });
  // An interval with a missing end (no repeats ran) is no interval: never judge or store NaN/Infinity.
  const iv = detail.interval;
  const interval = value === null || iv === undefined || !Number.isFinite(iv.low) || !Number.isFinite(iv.high) ? undefined : iv;
  const { verdict, reasons } = decide(spec, onInterval(spec, point, interval), constants ?? []);
  return {
    id,
    claim: spec.claim,
    section: spec.section,
    expected: spec.expected,
    measured: { value, unit: spec.unit, summary: detail.summary, ...(interval === undefined ? {} : { interval }) },
    verdict,
    method: detail.method,
    evidence: spec.evidence,
    approach: spec.approach,
    ...(reasons.length === 0 ? {} : { verdictReason: reasons.join('; ') }),
    ...(constants === undefined ? {} : { constants }),
    ...(spec.premiseFalse === undefined ? {} : { premiseFalse: { ...spec.premiseFalse, changeVerdict: point } }),
  };
}

interface Judged {
  verdict: Verdict | null;
  reason?: string;
}

/**
 * A verdict from one run's point can flip on the next run's noise. With an interval, confirmed and
 * refuted need the whole interval inside their region (both ends refuted on the same side);
 * otherwise the claim is inconclusive and the reason shows the interval. Without one, the verdict
 * is the point's, and the reason says so, for range claims (a yes/no property has no interval).
 */
function onInterval(spec: ClaimSpec, point: Verdict | null, interval: Spread | undefined): Judged {
  if (point === null || spec.bound.kind === 'holds') return { verdict: point };
  if (interval === undefined) return { verdict: point, reason: 'judged on the point: no interval recorded' };
  const [lo, hi] = [spec.judge(interval.low), spec.judge(interval.high)];
  const shown = `${fmtBoundRange(interval.low, interval.high, spec.unit)} (${interval.method}, n ${interval.n})`;
  const e = edges(spec.bound);
  const oneSide = interval.high < e.refute[0] || interval.low > e.refute[1];
  const split = lo !== hi || (lo === 'refuted' && !oneSide);
  return split
    ? { verdict: 'inconclusive', reason: `interval ${shown} spans ${lo} and ${hi}` }
    : { verdict: lo, reason: `interval ${shown}` };
}

/**
 * The order matters: a false premise outranks the measurement (the bound was about a situation
 * that did not exist); then a missing measurement; then a verdict that flips within a constant's
 * plausible range, which says more about the model than about the system.
 */
function decide(spec: ClaimSpec, judged: Judged, constants: readonly ClaimConstant[]): { verdict: Verdict; reasons: string[] } {
  if (spec.premiseFalse !== undefined) return { verdict: 'premise-false', reasons: [`premise false: ${spec.premiseFalse.fact}`] };
  const { verdict, reason } = judged;
  if (verdict === null) return { verdict: 'inconclusive', reasons: ['not measured in this run'] };
  const reasons = reason === undefined ? [] : [reason];
  const flips = constants.filter((c) => [c.verdictLow, c.verdictHigh].some((v) => v !== null && v !== verdict));
  if (flips.length > 0) {
    const ends = flips.map((c) => `${c.name} ${c.low}..${c.high} gives ${c.verdictLow ?? '?'} / ${c.verdictHigh ?? '?'}`).join('; ');
    return { verdict: 'inconclusive', reasons: [`model-dependent: ${ends}`, ...reasons] };
  }
  const unjudged = constants.filter((c) => c.verdictLow === null || c.verdictHigh === null);
  if (unjudged.length > 0)
    reasons.push(`at this run's constants only; not re-judged at the ends of ${unjudged.map((c) => c.name).join(', ')}`);
  return { verdict, reasons };
}

/** Rows for the claims no scenario measured in this run, so the report lists every claim. */
export function unmeasuredClaims(measured: readonly Pick<Claim, 'id'>[]): Claim[] {
  const seen = new Set(measured.map((c) => c.id));
  return CLAIMS.filter((c) => !seen.has(c.id)).map((c) => ({
    ...checkClaim(c.id, null, unmeasuredText(c)),
    scenario: c.scenario ?? 'none',
  }));
}

function unmeasuredText(c: ClaimSpec): { summary: string; method: string } {
  if (c.scenario === null) return { summary: 'not measured: no scenario measures this claim yet', method: c.approach };
  if (c.runWith !== undefined)
    return {
      summary: `not measured in this run: no audit profile runs it; \`${c.runWith}\` measures it`,
      method: `\`${c.runWith}\` (scenario ${c.scenario} in the mode that measures this claim): ${c.approach}`,
    };
  return { summary: 'not measured in this run', method: `needs scenario ${c.scenario}: ${c.approach}` };
}
