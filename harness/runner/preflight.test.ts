import { describe, expect, it } from 'vitest';
import { isLoadlabError } from '../../engine/errors/index.js';
import { checkDiskRoom, estimateDiskNeed, PREFLIGHT_DEFAULTS } from './preflight.js';

const SCENARIOS = [
  { name: 'capacity' },
  { name: 'http-load', seededData: true },
  { name: 'query-latency', seededData: true, seededDatabases: 4 },
];

describe('estimateDiskNeed', () => {
  it('sizes the peak as the template plus the largest scenario, not the sum of all scenarios', () => {
    const need = estimateDiskNeed({ sessions: 110_000, scenarios: SCENARIOS });
    expect(need.peakDatabases).toBe(5);
    expect(need.largest).toBe('query-latency');
    expect(need.perDatabaseBytes).toBe(110_000 * PREFLIGHT_DEFAULTS.bytesPerSession);
    expect(need.bytes).toBeGreaterThan(5 * need.perDatabaseBytes);
    expect(need.bytes).toBeLessThan(6 * need.perDatabaseBytes);
  });

  it('needs almost nothing when no scenario reads seeded data', () => {
    const need = estimateDiskNeed({ sessions: 1_100_000, scenarios: [{ name: 'capacity' }] });
    expect(need.peakDatabases).toBe(0);
    expect(need.bytes).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('checkDiskRoom', () => {
  const full = estimateDiskNeed({ sessions: 1_100_000, scenarios: SCENARIOS });

  it('refuses with LL_DISK_INSUFFICIENT (usage, exit 2) naming the need, the space and the fixes', () => {
    let caught: unknown;
    try {
      checkDiskRoom(full, { directory: '/var/lib/postgresql', freeBytes: 80 * 1024 ** 3 }, 'large');
    } catch (err) {
      caught = err;
    }
    expect(isLoadlabError(caught) && caught.code).toBe('LL_DISK_INSUFFICIENT');
    if (!isLoadlabError(caught)) return;
    expect(caught.kind).toBe('usage');
    expect(caught.message).toMatch(/needs about \d+\.\d GB .* only 80\.0 GB is free at \/var\/lib\/postgresql/);
    expect(caught.hint).toContain('--data ci');
  });

  it('admits a run that fits, and one whose free space cannot be known (saying so)', () => {
    const ci = estimateDiskNeed({ sessions: 11_000, scenarios: SCENARIOS });
    expect(checkDiskRoom(ci, { directory: '/d', freeBytes: 80 * 1024 ** 3 }, 'ci').where).toBe('80.0 GB free at /d');
    expect(
      checkDiskRoom(full, { directory: null, freeBytes: null, unknownBecause: 'the server is on db.example, not on this machine' }, 'large')
        .where,
    ).toBe('free space unknown (the server is on db.example, not on this machine)');
  });
});
