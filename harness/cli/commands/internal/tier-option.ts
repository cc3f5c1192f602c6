import { HARNESS_ERRORS, LoadlabError } from '../../../errors/index.js';
import type { Profile } from '../../../result/index.js';
import type { AnyScenario } from '../../../scenario/index.js';

/** The load tiers of the audit's §6.2 (< 100, 100-1,000, 1,000-10,000, 10,000+ sessions/day). */
export const LOAD_TIERS = [1, 2, 3, 4] as const;

/**
 * `--tier N`: sets the `tier` param of every selected scenario that has one (capacity), for the
 * run's profile, so that scenario runs §6.2's tier N instead of its default shape. The CLI knows
 * no scenario by name (harness/ never imports scenarios/); a scenario opts in by declaring the param.
 * Every error is a usage error raised before any infrastructure starts.
 */
export function applyTier(scenarios: readonly AnyScenario[], raw: string | undefined, profile: Profile): AnyScenario[] {
  if (raw === undefined) return [...scenarios];
  const tier = Number(raw);
  if (!(LOAD_TIERS as readonly number[]).includes(tier) || raw.trim() !== String(tier)) {
    throw new LoadlabError(
      HARNESS_ERRORS.USAGE,
      `--tier must be one of ${LOAD_TIERS.join(', ')} (the audit's §6.2 load tiers), got "${raw}"`,
      {
        hint: 'e.g. loadlab run capacity --tier 3 (1: < 100 sessions/day, 2: 100-1,000, 3: 1,000-10,000, 4: 10,000+)',
      },
    );
  }
  const takesTier = (s: AnyScenario): boolean => typeof (s.profiles[profile] as Record<string, unknown> | undefined)?.['tier'] === 'number';
  if (!scenarios.some(takesTier)) {
    throw new LoadlabError(
      HARNESS_ERRORS.USAGE,
      `--tier applies to scenarios with load tiers, and none of ${scenarios.map((s) => s.name).join(', ')} has them`,
      {
        hint: 'loadlab run capacity --tier N',
      },
    );
  }
  return scenarios.map((s) =>
    takesTier(s) ? Object.freeze({ ...s, profiles: { ...s.profiles, [profile]: { ...s.profiles[profile], tier } } }) : s,
  );
}
