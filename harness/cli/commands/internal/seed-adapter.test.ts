import { describe, expect, it } from 'vitest';
import { SEED_PROGRESS_DEFAULTS, seedProgressLine } from './seed-adapter.js';

describe('seedProgressLine', () => {
  const every = SEED_PROGRESS_DEFAULTS.everyMs;

  it('always prints the phases', () => {
    const state = { lastMs: 0 };
    expect(seedProgressLine({ phase: 'prepare', elapsedMs: 10 }, state)).toBe('prepare (0 s)');
    expect(seedProgressLine({ phase: 'analyze', elapsedMs: 561_000 }, state)).toBe('analyze (561 s)');
  });

  it('prints table events as a heartbeat, at most once per interval', () => {
    const state = { lastMs: 0 };
    const copy = (elapsedMs: number, rows: number): string | undefined =>
      seedProgressLine({ phase: 'table', table: 'session_events', stage: 'copy', rows, expected: 5_600_000, elapsedMs }, state);
    expect(copy(every - 1, 10)).toBeUndefined();
    expect(copy(every, 1_000_000)).toBe('session_events: 1,000,000 of 5,600,000 rows copied (15 s)');
    expect(copy(every + 5_000, 2_000_000)).toBeUndefined();
    expect(seedProgressLine({ phase: 'table', table: 'api_costs', stage: 'index', rows: 3_900_000, elapsedMs: 2 * every }, state)).toBe(
      'api_costs: 3,900,000 rows, building indexes (30 s)',
    );
  });
});
