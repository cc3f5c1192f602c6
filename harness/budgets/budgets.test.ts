import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Measurements } from '../result/index.js';
import {
  budgetsForProfile,
  defineConfig,
  evaluateBudgets,
  loadConfig,
  parseThreshold,
  resolveConfig,
  toK6Threshold,
  toK6Thresholds,
  unevaluatedBudgets,
  validateConfig,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'll-budgets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const h = (p95: number, unit: 'ms' | 'us' = 'ms', count = 1_000) => ({
  count,
  min: 1,
  p50: p95 / 2,
  p90: p95 * 0.9,
  p95,
  p99: p95 * 1.5,
  max: p95 * 2,
  mean: p95 / 2,
  stdev: 1,
  unit,
});

const measurements: Measurements = {
  histograms: { 'query.list_sessions': h(4), 'query.slow': h(40) },
  counters: { 'failover.events.lost': { value: 0, unit: 'count' }, 'capacity.sps': { value: 0.4, unit: 'sessions/s' } },
  ratios: { 'cache.hit_rate': { value: 0.72, unit: 'ratio' }, 'errors.rate': { value: 1.5, unit: 'percent' } },
};

describe('parseThreshold', () => {
  it('reads operators, units and bare numbers', () => {
    expect(parseThreshold('p95', '< 10ms')).toEqual({ operator: '<', limit: 10, unit: 'ms' });
    expect(parseThreshold('p99', '<=1.5s')).toEqual({ operator: '<=', limit: 1.5, unit: 's' });
    expect(parseThreshold('max', 0)).toEqual({ operator: '<=', limit: 0, unit: null });
    expect(parseThreshold('min', '0.5')).toEqual({ operator: '>=', limit: 0.5, unit: null });
    expect(parseThreshold('value', '>= 60%')).toEqual({ operator: '>=', limit: 60, unit: 'percent' });
    expect(parseThreshold('p50', '== 250us')).toEqual({ operator: '==', limit: 250, unit: 'us' });
    expect(parseThreshold('p95', 'fast')).toMatch(/cannot parse/);
  });
});

describe('config validation', () => {
  it('reports every error at once and rejects unknown keys', () => {
    const errors = validateConfig({
      budget: {},
      budgets: { ci: { 'q.a': { p95: '< 10 parsecs' }, 'q.b': { p96: '< 1ms' }, 'q c': { max: 0 }, 'q.d': {} }, nightly: {} },
      selfCheck: { cpuPercentP95: -1, foo: 1 },
    });
    expect(errors.map((e) => e.path)).toEqual([
      'budget',
      'budgets.nightly',
      'budgets.ci.q.a.p95',
      'budgets.ci.q.b.p96',
      'budgets.ci.q c',
      'budgets.ci.q.d',
      'selfCheck.foo',
      'selfCheck.cpuPercentP95',
    ]);
  });

  it('resolveConfig throws one coded config error listing all problems, and freezes valid ones', () => {
    let err: unknown;
    try {
      resolveConfig({ budgets: { ci: { x: { p95: 'nope' } } }, extra: 1 }, 'loadlab.config.ts');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'LL_BUDGET_CONFIG_INVALID', kind: 'config' });
    expect((err as Error).message).toContain('2 errors');
    expect((err as Error).message).toContain('budgets.ci.x.p95');
    expect((err as Error).message).toContain('extra');
    const ok = resolveConfig(defineConfig({ budgets: { ci: { 'query.list_sessions': { p95: '< 10ms' } } } }));
    expect(Object.isFrozen(ok.budgets?.ci)).toBe(true);
    expect(budgetsForProfile(ok, 'full')).toEqual({});
  });

  it('loads JSON and TypeScript config files', async () => {
    const json = join(dir, 'loadlab.config.json');
    writeFileSync(json, JSON.stringify({ budgets: { ci: { 'failover.events.lost': { max: 0 } } } }));
    expect((await loadConfig(json)).budgets?.ci).toEqual({ 'failover.events.lost': { max: 0 } });
    const ts = join(dir, 'loadlab.config.ts');
    writeFileSync(ts, "const budgets: Record<string, unknown> = { default: { 'q': { p99: '< 5ms' } } };\nexport default { budgets };\n");
    expect((await loadConfig(ts)).budgets?.default).toEqual({ q: { p99: '< 5ms' } });
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expect(loadConfig(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'LL_CONFIG_LOAD_FAILED', kind: 'config' });
  });
});

describe('evaluateBudgets', () => {
  it('evaluates histograms, counters and ratios with unit conversion', () => {
    const r = evaluateBudgets(
      {
        'query.list_sessions': { p95: '< 10ms', p99: '< 0.5s' },
        'query.slow': { p95: '< 10ms' },
        'failover.events.lost': { max: 0 },
        'capacity.sps': { min: 0.5 },
        'cache.hit_rate': { value: '>= 60%' },
        'errors.rate': { value: '< 1%' },
      },
      measurements,
      { scenario: 's1' },
    );
    const byKey = Object.fromEntries(r.map((b) => [`${b.name}.${b.stat}`, b]));
    expect(byKey['query.list_sessions.p95']).toMatchObject({
      passed: true,
      measured: 4,
      limit: 10,
      threshold: 'p95 < 10ms',
      unit: 'ms',
      scenario: 's1',
    });
    expect(byKey['query.list_sessions.p99']).toMatchObject({ passed: true, limit: 500 });
    expect(byKey['query.slow.p95']?.passed).toBe(false);
    expect(byKey['failover.events.lost.max']).toMatchObject({ passed: true, measured: 0, operator: '<=' });
    expect(byKey['capacity.sps.min']).toMatchObject({ passed: false, operator: '>=' });
    expect(byKey['cache.hit_rate.value']).toMatchObject({ passed: true, limit: 0.6 });
    expect(byKey['errors.rate.value']).toMatchObject({ passed: false, limit: 1 });
  });

  it('does not judge a percentile from fewer than 10 / (1 - q) samples, and says so', () => {
    const few: Measurements = { histograms: { q: h(4, 'ms', 199) }, counters: {}, ratios: {} };
    const r = evaluateBudgets({ q: { p50: '< 10ms', p95: '< 10ms', max: '< 100ms' } }, few);
    const by = Object.fromEntries(r.map((b) => [b.stat, b]));
    expect(by['p50']).toMatchObject({ passed: true });
    expect(by['p50']?.judgeable).toBeUndefined();
    expect(by['p95']).toMatchObject({ passed: false, judgeable: false, measured: 4, message: 'p95 needs n >= 200 samples, "q" has 199' });
    expect(by['max']).toMatchObject({ passed: true });
  });

  it('fails missing metrics and unit mismatches with a message, or skips them per scenario', () => {
    const set = { nope: { p95: '< 1ms' }, 'failover.events.lost': { max: '< 1ms' }, 'query.slow': { value: 1 } };
    const r = evaluateBudgets(set, measurements);
    expect(r.map((b) => [b.passed, b.message !== undefined])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
    const present = evaluateBudgets(set, measurements, { onlyPresent: true });
    expect(present.map((b) => b.name)).toEqual(['failover.events.lost', 'query.slow']);
    expect(unevaluatedBudgets(set, present)).toEqual(['nope']);
  });
});

describe('k6 thresholds', () => {
  it('expresses budgets as k6 threshold strings', () => {
    expect(toK6Threshold('p95', '< 10ms')).toBe('p(95)<10');
    expect(toK6Threshold('p99', '<= 1.5s')).toBe('p(99)<=1500');
    expect(toK6Threshold('p50', '< 500us')).toBe('med<0.5');
    expect(toK6Threshold('mean', 3)).toBe('avg<=3');
    expect(toK6Threshold('value', '< 1%')).toBe('rate<0.01');
    expect(
      toK6Thresholds({ 'http.list_sessions': { p95: '< 10ms', max: '< 100ms' }, 'failover.events.lost': { max: 0 } }, (n) =>
        n.startsWith('http.') ? `http_req_duration{name:${n.slice(5)}}` : undefined,
      ),
    ).toEqual({ 'http_req_duration{name:list_sessions}': ['p(95)<10', 'max<100'] });
  });
});
