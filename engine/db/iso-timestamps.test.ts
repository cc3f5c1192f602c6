import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { timestamptzToIso } from './internal/iso-timestamps.js';

// The HTTP listing relies on this giving exactly Date.prototype.toISOString() of pg's own parse.
describe('timestamptzToIso', () => {
  const viaDate = (s: string): string => (pg.types.getTypeParser(1184, 'text')(s) as Date).toISOString();

  it('matches pg + toISOString for UTC text with 0-6 fraction digits', () => {
    for (const frac of ['', '.5', '.12', '.123', '.1234', '.009999', '.999999', '.000001']) {
      const s = `2025-10-01 23:59:59${frac}+00`;
      expect(timestamptzToIso(s)).toBe(viaDate(s));
    }
  });

  it('falls back to pg parsing for other offsets and early years', () => {
    for (const s of ['2025-10-01 12:34:56.5+02', '2025-10-01 12:34:56+05:30', '0099-01-01 00:00:00+00']) {
      expect(timestamptzToIso(s)).toBe(viaDate(s));
    }
  });
});
