import { describe, expect, it } from 'vitest';
import { defineScenario, type AnyScenario } from '../../../scenario/index.js';
import { applyTier } from './tier-option.js';

const scenario = (name: string, params: Record<string, unknown>): AnyScenario =>
  defineScenario({
    name,
    title: name,
    auditRef: '§6.2',
    budgets: {},
    profiles: { ci: params, default: params, full: params },
    run: async () => undefined,
  });

describe('--tier', () => {
  const tiered = scenario('tiered', { tier: 0, other: 1 });
  const plain = scenario('plain', { other: 1 });

  it("sets the tier param of the run's profile on the scenarios that have one, and leaves the rest alone", () => {
    const [a, b] = applyTier([tiered, plain], '3', 'ci');
    expect(a?.profiles.ci).toEqual({ tier: 3, other: 1 });
    expect(a?.profiles.default).toEqual({ tier: 0, other: 1 });
    expect(b).toBe(plain);
    expect(tiered.profiles.ci).toEqual({ tier: 0, other: 1 });
  });

  it('changes nothing without the flag', () => {
    expect(applyTier([tiered], undefined, 'ci')).toEqual([tiered]);
  });

  it.each(['7', '0', '2.5', 'three', ''])('refuses --tier %j as a usage error naming the flag and the valid values', (raw) => {
    expect(() => applyTier([tiered], raw, 'ci')).toThrow(
      expect.objectContaining({ code: 'LL_USAGE', kind: 'usage', message: expect.stringMatching(/--tier must be one of 1, 2, 3, 4/) }),
    );
  });

  it('refuses --tier for scenarios without load tiers', () => {
    expect(() => applyTier([plain], '1', 'ci')).toThrow(/--tier applies to scenarios with load tiers/);
  });
});
