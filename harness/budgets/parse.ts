import type { BudgetStat, ParsedThreshold, ThresholdExpr, ThresholdUnit } from './types.js';

const EXPR = /^\s*(<=|>=|==|<|>)?\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|us|µs|s|%)?\s*$/i;

const UNIT: Record<string, ThresholdUnit> = { ms: 'ms', us: 'us', µs: 'us', s: 's', '%': 'percent' };

/** Parses one threshold; returns an error message instead of throwing so validation can collect all. */
export function parseThreshold(stat: BudgetStat, expr: ThresholdExpr): ParsedThreshold | string {
  const defaultOp = stat === 'min' ? '>=' : '<=';
  if (typeof expr === 'number') {
    if (!Number.isFinite(expr)) return `threshold must be a finite number, got ${expr}`;
    return { operator: defaultOp, limit: expr, unit: null };
  }
  if (typeof expr !== 'string') return `threshold must be a string like "< 10ms" or a number, got ${typeof expr}`;
  const m = EXPR.exec(expr);
  if (m === null)
    return `cannot parse threshold "${expr}": expected an operator (<, <=, >, >=, ==), a number and an optional unit (ms, s, us, %)`;
  const op = (m[1] ?? defaultOp) as ParsedThreshold['operator'];
  const unitKey = m[3]?.toLowerCase();
  return { operator: op, limit: Number(m[2]), unit: unitKey === undefined ? null : (UNIT[unitKey] ?? null) };
}

const TIME_MS: Record<string, number> = { ms: 1, s: 1000, us: 0.001 };

/**
 * Converts a threshold limit into the measurement's unit. Returns null when they cannot be
 * compared (a time budget on a byte count), which fails the budget with a message.
 */
export function limitInUnit(p: ParsedThreshold, measuredUnit: string): number | null {
  if (p.unit === null) return p.limit;
  if (p.unit === 'percent') {
    if (measuredUnit === 'percent') return p.limit;
    if (measuredUnit === 'ratio') return p.limit / 100;
    return null;
  }
  const from = TIME_MS[p.unit];
  const to = TIME_MS[measuredUnit];
  if (from === undefined || to === undefined) return null;
  return (p.limit * from) / to;
}

export function formatThreshold(stat: string, p: ParsedThreshold): string {
  const suffix = p.unit === null ? '' : p.unit === 'percent' ? '%' : p.unit;
  return `${stat} ${p.operator} ${p.limit}${suffix}`;
}

export function compare(measured: number, op: ParsedThreshold['operator'], limit: number): boolean {
  switch (op) {
    case '<':
      return measured < limit;
    case '<=':
      return measured <= limit;
    case '>':
      return measured > limit;
    case '>=':
      return measured >= limit;
    case '==':
      return measured === limit;
  }
}
