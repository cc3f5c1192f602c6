import { describe, expect, it } from 'vitest';
import { CLAIMS } from './claims.js';
import { edges, expectedText, fmtBound, judge, type Bound } from './internal/bounds.js';

type RangeBound = Extract<Bound, { kind: 'range' }>;
const ranges = CLAIMS.flatMap((c) => (c.bound.kind === 'range' ? [{ c, b: c.bound }] : []));
/** A relative step far below the 4 significant digits the text prints, far above float noise. */
const step = (x: number, dir: 1 | -1): number => x + dir * Math.max(Math.abs(x) * 1e-6, 1e-9);

describe('claims catalogue', () => {
  it('numbers its claims C01.. without gaps and gives each a class, a method and a measure', () => {
    expect(CLAIMS.map((c) => c.id)).toEqual(CLAIMS.map((_, i) => `C${String(i + 1).padStart(2, '0')}`));
    expect(CLAIMS.length).toBeGreaterThanOrEqual(43);
    for (const c of CLAIMS) {
      expect(['measured', 'modelled', 'conformance', 'premise'], c.id).toContain(c.evidence);
      expect(c.approach.length, c.id).toBeGreaterThan(20);
      expect(c.measure.length, c.id).toBeGreaterThan(5);
    }
  });

  it('names, for every modelled claim and only those, each constant with a real range', () => {
    for (const c of CLAIMS) {
      if (c.evidence !== 'modelled') {
        expect(c.constants, c.id).toBeUndefined();
        continue;
      }
      expect(c.constants?.length, c.id).toBeGreaterThan(0);
      for (const k of c.constants ?? []) {
        expect(k.low, `${c.id} ${k.name}`).toBeLessThan(k.high);
        expect(k.basis.length, `${c.id} ${k.name}`).toBeGreaterThan(10);
      }
    }
  });

  it('marks the premise-false claims: the indexes the audit called missing existed on 2025-12-22', () => {
    expect(CLAIMS.filter((c) => c.premiseFalse !== undefined).map((c) => c.id)).toEqual(['C07', 'C09', 'C12']);
    for (const c of CLAIMS.filter((x) => x.premiseFalse !== undefined)) expect(c.premiseFalse?.ref).toMatch(/schema-deviations\.md #8/);
  });

  it('judges every range the audit states at both of its ends', () => {
    // "5-10x", "30-50%", "60-120 s": the first a-b range in the audit's words is the bound.
    for (const c of CLAIMS) {
      const m = /(?<![\d§])(\d[\d,.]*)\s*-\s*(\d[\d,.]*)/.exec(c.claim);
      if (m === null) continue;
      const [lo, hi] = [m[1], m[2]].map((x) => Number((x ?? '').replace(/,/g, '')));
      expect(c.bound, c.id).toEqual({ kind: 'range', lo, hi });
    }
  });
});

describe('bounds: the expected text is the judge', () => {
  it('generates every expected text from the bound; none is written by hand', () => {
    for (const c of CLAIMS) expect(c.expected, c.id).toBe(expectedText(c.measure, c.bound, c.unit));
  });

  it('prints each edge the judge uses, and the judge turns exactly there', () => {
    for (const { c, b } of ranges) {
      const e = edges(b);
      const [cLo, cHi] = e.confirm;
      const [rLo, rHi] = e.refute;
      if (b.lo !== undefined) {
        const numeric = /^\$?[\d,.]+/.exec(fmtBound(cLo, c.unit))?.[0] ?? 'missing';
        expect(c.expected, c.id).toContain(b.hi === undefined ? `confirmed >= ${fmtBound(cLo, c.unit)}` : `confirmed ${numeric}..`);
        expect(c.expected, c.id).toContain(`below ${fmtBound(rLo, c.unit)}`);
        expect([judge(b, cLo), judge(b, step(cLo, -1))], c.id).toEqual(['confirmed', 'inconclusive']);
        expect([judge(b, rLo), judge(b, step(rLo, -1))], c.id).toEqual(['inconclusive', 'refuted']);
      }
      if (b.hi !== undefined) {
        expect(c.expected, c.id).toMatch(new RegExp(`confirmed (<= |[\\d,.$]+\\.\\.)${fmtBound(cHi, c.unit).replace(/[$.]/g, '\\$&')}`));
        if (!(c.unit === 'percent' && rHi >= 100)) expect(c.expected, c.id).toContain(`above ${fmtBound(rHi, c.unit)}`);
        expect([judge(b, cHi), judge(b, step(cHi, 1))], c.id).toEqual(['confirmed', 'inconclusive']);
        expect([judge(b, rHi), judge(b, step(rHi, 1))], c.id).toEqual(['inconclusive', 'refuted']);
      }
    }
  });

  it('prints edges exactly: every number in the text reads back as the edge it stands for', () => {
    const scale: Record<string, number> = { KB: 1e3, MB: 1e6, B: 1 };
    const read = (s: string): number => {
      const m = /\$?([\d,.]+)\s*(KB|MB|B)?/.exec(s);
      return Number((m?.[1] ?? 'NaN').replace(/,/g, '')) * (scale[m?.[2] ?? 'B'] ?? 1);
    };
    for (const { c, b } of ranges) {
      const e = edges(b);
      for (const x of [...e.confirm, ...e.refute].filter(Number.isFinite)) {
        expect(read(fmtBound(x, c.unit)) / x, `${c.id} ${x}`).toBeCloseTo(1, 9);
      }
    }
  });

  it('confirms a yes/no property only when it holds', () => {
    const h: Bound = { kind: 'holds' };
    expect([judge(h, 1), judge(h, 0)]).toEqual(['confirmed', 'refuted']);
  });

  it('no longer confirms 51 statements as "5-10 queries" (C01), nor 910 MB as "~455 MB" (C22)', () => {
    const c01 = CLAIMS.find((c) => c.id === 'C01');
    const c22 = CLAIMS.find((c) => c.id === 'C22');
    expect(c01?.judge(51)).toBe('refuted');
    expect(c22?.judge(910e6)).toBe('inconclusive');
    expect(c22?.judge(455e6)).toBe('confirmed');
    const c17 = (CLAIMS.find((c) => c.id === 'C17')?.bound ?? { kind: 'holds' }) as RangeBound;
    expect(c17.hi).toBe(50);
  });
});
