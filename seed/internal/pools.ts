import { Faker, base, en } from '@faker-js/faker';
import { SEED_DEFAULTS } from '../defaults.js';
import { copyEscape, jsonString } from './format.js';

/**
 * Text drawn per row comes from these pools, filled once up front: faker is slow (~50k values/s)
 * and is never on the per-row path. Values are already COPY-escaped (and JSON-quoted where they go
 * into jsonb).
 */
export interface Pools {
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  /** Lower-case ASCII fragments for e-mail local parts. */
  readonly emailNames: readonly string[];
  readonly companies: readonly string[];
  readonly problems: readonly string[];
  readonly paragraphs: readonly string[];
  readonly sentences: readonly string[];
  readonly questions: readonly string[];
  readonly questionsJson: readonly string[];
  readonly summariesJson: readonly string[];
  readonly actionTitles: readonly string[];
  readonly urlsJson: readonly string[];
  readonly markets: readonly string[];
}

export const INDUSTRIES = [
  'saas',
  'ecommerce',
  'fintech',
  'healthcare',
  'education',
  'logistics',
  'media',
  'manufacturing',
  'consulting',
  'hospitality',
  'real_estate',
  'energy',
] as const;
export const TAG_NAMES = [
  'urgent',
  'q1',
  'q2',
  'q3',
  'q4',
  'marketing',
  'sales',
  'hiring',
  'product',
  'pricing',
  'ops',
  'finance',
  'legal',
  'growth',
  'retention',
  'onboarding',
  'seo',
  'content',
  'partnerships',
  'fundraising',
  'infra',
  'security',
  'support',
  'research',
  'design',
  'analytics',
  'brand',
  'expansion',
  'compliance',
  'cost-cutting',
  'strategy',
  'quick-win',
  'blocked-external',
  'experiment',
  'customer',
  'investor',
  'team',
  'roadmap',
  'launch',
  'follow-up',
  'board',
  'okr',
] as const;
export const TAG_COLORS = ['#6366F1', '#EF4444', '#F59E0B', '#10B981', '#3B82F6', '#8B5CF6', '#EC4899', '#14B8A6'] as const;

export function buildPools(seed: number, refMs: number): Pools {
  // A private instance: seeding the shared `faker` would disturb anyone else in the process.
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  // faker's date helpers read "now" unless a reference date is fixed: fix it for determinism.
  faker.setDefaultRefDate(new Date(refMs));
  const n = SEED_DEFAULTS.poolSize;
  const fill = (make: () => string): string[] => Array.from({ length: n }, make);
  const firstNames = fill(() => faker.person.firstName());
  const lastNames = fill(() => faker.person.lastName());
  const questions = fill(
    () => `How should a ${faker.company.buzzNoun()} business ${faker.company.buzzVerb()} ${faker.company.buzzNoun()}?`,
  );
  return {
    firstNames: firstNames.map(copyEscape),
    lastNames: lastNames.map(copyEscape),
    emailNames: firstNames.map((f, i) => `${f}.${lastNames[i] ?? 'x'}`.toLowerCase().replace(/[^a-z0-9.]/g, '')),
    companies: fill(() => copyEscape(faker.company.name())),
    problems: fill(() =>
      copyEscape(
        `Should we ${faker.company.buzzVerb()} our ${faker.company.buzzNoun()} to ${faker.company.buzzPhrase()}? ${faker.lorem.sentence()}`,
      ),
    ),
    paragraphs: fill(() => copyEscape(faker.lorem.paragraph({ min: 2, max: 4 }))),
    sentences: fill(() => copyEscape(faker.company.catchPhrase())),
    questions: questions.map(copyEscape),
    questionsJson: questions.map(jsonString),
    summariesJson: fill(() => jsonString(faker.lorem.sentences(2))),
    actionTitles: fill(() => copyEscape(`${faker.hacker.verb()} ${faker.hacker.adjective()} ${faker.hacker.noun()}`)),
    urlsJson: fill(() => jsonString(faker.internet.url())),
    markets: fill(() => copyEscape(`${faker.person.jobArea()} teams in ${faker.location.country()}`)),
  };
}
