import { describe, expect, it } from 'vitest';
import { ts } from './format.js';

describe('ts', () => {
  it('gives exactly what Date#toISOString gives (rows must stay byte-identical)', () => {
    const from = Date.UTC(2025, 0, 1);
    const samples = [0, 86_399_999, 86_400_000, Date.UTC(2026, 10, 1) - 1, Date.UTC(2028, 1, 29, 23, 59, 59, 999)];
    for (let i = 0; i < 20_000; i++) samples.push(from + ((i * 2_654_435_761) % (3 * 365 * 86_400_000)));
    for (const ms of samples) expect(ts(ms)).toBe(new Date(ms).toISOString());
  });
});
