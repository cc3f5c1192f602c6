import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { toK6Threshold, type BudgetSet, type BudgetStat, type ThresholdExpr } from '../budgets/index.js';
import {
  K6_ONLY_BUDGETS,
  K6_SCRIPT_PLANS,
  K6_SCRIPTS,
  K6_SOURCE_DIR,
  buildK6Config,
  httpScenarioBudgets,
  toK6Budget,
  type K6Config,
} from './index.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/loadlab.js');
const dir = mkdtempSync(path.join(tmpdir(), 'll-k6-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME_STATS = ['p50', 'p90', 'p95', 'p99', 'max', 'min', 'mean'];

/**
 * Every (k6 metric, k6 threshold) pair the budget data implies for the optimized variant: the
 * threshold is harness/budgets toK6Threshold of the budget's own stat (or the stat in its name).
 */
function expectedPairs(budgets: BudgetSet): Set<string> {
  const pairs = new Set<string>();
  for (const [name, rule] of Object.entries(budgets)) {
    for (const [stat, expr] of Object.entries(rule) as [BudgetStat, ThresholdExpr][]) {
      if (name.split('.').includes('audited')) continue;
      const mapped = toK6Budget(name, stat, expr, 'optimized');
      if (mapped === undefined || mapped === 'other-variant') continue;
      const last = name.split('.').at(-1) ?? '';
      const effective = (NAME_STATS.includes(last) ? last : stat) as BudgetStat;
      const threshold = mapped.metric.startsWith('http_reqs{')
        ? toK6Threshold('count', expr)
        : mapped.metric.startsWith('http_req_failed') || mapped.metric === 'checks'
          ? toK6Threshold('value', expr)
          : toK6Threshold(effective, expr);
      pairs.add(`${mapped.metric} ${threshold}`);
    }
  }
  return pairs;
}

function exportedPairs(config: K6Config): Set<string> {
  const pairs = new Set<string>();
  for (const script of K6_SCRIPTS) {
    for (const [metric, list] of Object.entries(config.scripts[script].thresholds)) for (const t of list) pairs.add(`${metric} ${t}`);
  }
  return pairs;
}

describe('budgets as k6 thresholds', () => {
  it('maps each budget form onto the k6 metric that measures it', () => {
    expect(toK6Budget('http.listing.optimized.p95', 'value', '< 500ms', 'optimized')).toMatchObject({
      metric: 'http_req_duration{name:list_sessions}',
      threshold: toK6Threshold('p95', '< 500ms'),
    });
    expect(toK6Budget('http.listing.audited.p95', 'value', '< 500ms', 'optimized')).toBe('other-variant');
    expect(toK6Budget('http.actions.p99', 'value', '< 1s', 'audited')).toMatchObject({
      metric: 'http_req_duration{name:actions_by_tags}',
      threshold: 'p(99)<1000',
    });
    expect(toK6Budget('http.session_detail', 'p95', '< 50ms', 'optimized')).toMatchObject({
      endpoint: 'session_detail',
      threshold: 'p(95)<50',
    });
    expect(toK6Budget('http.stream_session.ttfb', 'p95', '< 1s', 'optimized')).toMatchObject({
      metric: 'http_req_waiting{name:stream_session}',
      threshold: 'p(95)<1000',
    });
    expect(toK6Budget('http.optimized.errors', 'max', 0, 'optimized')).toMatchObject({
      endpoint: undefined,
      metric: 'http_reqs{expected_response:false}',
      threshold: 'count<=0',
    });
    expect(toK6Budget('http.errors', 'value', '< 1%', 'optimized')).toMatchObject({ metric: 'http_req_failed', threshold: 'rate<0.01' });
    expect(toK6Budget('http.health.errors', 'value', '< 0.5%', 'optimized')).toMatchObject({
      metric: 'http_req_failed{name:health}',
      threshold: 'rate<0.005',
    });
    expect(toK6Budget('http.checks', 'value', '>= 99%', 'optimized')).toMatchObject({ metric: 'checks', threshold: 'rate>=0.99' });
    // Things k6 cannot see, or that are ambiguous, are left out (and listed as such).
    expect(toK6Budget('http.listing.optimized.rps', 'value', '> 10', 'optimized')).toBeUndefined();
    expect(toK6Budget('http.listing.p95', 'max', '< 1s', 'optimized')).toBeUndefined();
    expect(toK6Budget('query.list_sessions', 'p95', '< 10ms', 'optimized')).toBeUndefined();
    const config = buildK6Config({ scenarioBudgets: { 'http.listing.optimized.rps': { value: '> 10' } } });
    expect(config.notInK6).toEqual(['http.listing.optimized.rps.value']);
  });

  it('the exported thresholds are exactly the http-load scenario budgets (found through the registry) plus the k6-only ones', async () => {
    const scenarioBudgets = await httpScenarioBudgets();
    expect(scenarioBudgets, 'scenarios/http-load.ts is registered').toBeDefined();
    const budgets = { ...scenarioBudgets, ...K6_ONLY_BUDGETS };
    const config = buildK6Config({ target: 'http://127.0.0.1:9999', scenarioBudgets: scenarioBudgets ?? {} });
    expect(exportedPairs(config)).toEqual(expectedPairs(budgets));
    // The scenario's budgets contributed thresholds beyond the k6-only ones.
    expect(exportedPairs(config).size).toBeGreaterThan(exportedPairs(buildK6Config()).size);
    // The script that runs everything carries every threshold; the others only theirs plus the run-wide ones.
    expect(new Set(Object.entries(config.scripts['http-load'].thresholds).flatMap(([m, l]) => l.map((t) => `${m} ${t}`)))).toEqual(
      expectedPairs(budgets),
    );
    expect(config.scripts['session-stream'].thresholds['http_req_waiting{name:stream_session}']).toEqual([
      toK6Threshold('p95', K6_ONLY_BUDGETS['http.stream_session.ttfb'].p95),
    ]);
    expect(config.scripts['list-sessions'].thresholds['http_req_waiting{name:stream_session}']).toBeUndefined();
    expect(config.scripts['list-sessions'].thresholds.checks).toEqual([toK6Threshold('value', K6_ONLY_BUDGETS['http.checks'].value)]);
    expect(config.budgets).toEqual(budgets);
  });

  it('every script uses arrival-rate executors only', () => {
    for (const plan of Object.values(K6_SCRIPT_PLANS)) {
      for (const load of Object.values(plan.scenarios)) expect(['constant-arrival-rate', 'ramping-arrival-rate']).toContain(load.executor);
    }
  });

  it('rejects a target that is not an http(s) base URL, and tag ids that are not UUIDs', () => {
    expect(() => buildK6Config({ target: 'ftp://host' })).toThrow(expect.objectContaining({ code: 'LL_K6_TARGET_INVALID', kind: 'usage' }));
    expect(() => buildK6Config({ target: 'not a url' })).toThrow(expect.objectContaining({ code: 'LL_K6_TARGET_INVALID' }));
    expect(() => buildK6Config({ tagIds: ['1; DROP TABLE tags'] })).toThrow(expect.objectContaining({ code: 'LL_K6_TARGET_INVALID' }));
    expect(buildK6Config({ target: 'https://api.example.com/base/' }).target).toBe('https://api.example.com/base');
  });
});

interface FakeCall {
  method: string;
  url: string;
  name: string | undefined;
  auth: string | undefined;
}

/**
 * Runs a k6 script's init code in a VM with k6 stubbed: what `options` does it export, and which
 * requests does an iteration make? (No k6 binary exists here; this checks the scripts' own logic.)
 */
async function loadScript(file: string, config: K6Config): Promise<{ exports: Record<string, unknown>; calls: FakeCall[] }> {
  const out = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    logLevel: 'silent',
    plugins: [
      {
        name: 'k6-stub',
        setup(b) {
          b.onResolve({ filter: /^k6(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'k6' }));
          b.onLoad({ filter: /.*/, namespace: 'k6' }, (a) => ({
            contents: `module.exports = globalThis.__k6[${JSON.stringify(a.path)}];`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  const calls: FakeCall[] = [];
  const request =
    (method: string) =>
    (url: string, ...rest: unknown[]) => {
      const p = (method === 'GET' ? rest[0] : rest[1]) as { tags?: { name?: string }; headers?: Record<string, string> } | undefined;
      calls.push({ method, url, name: p?.tags?.name, auth: p?.headers?.Authorization });
      return { status: 200, body: '', json: () => ({ sessions: [{ id: 's1' }], actions: [], id: 's1' }) };
    };
  const http = { get: request('GET'), post: request('POST') };
  const k6 = {
    check: () => true,
    fail: (m: string) => {
      throw new Error(m);
    },
  };
  const metrics = {
    Counter: class {
      add(): void {
        /* counted by k6 */
      }
    },
  };
  const sandbox: Record<string, unknown> = {
    module: { exports: {} },
    __ENV: {},
    __VU: 1,
    open: (p: string) => {
      expect(p).toBe('./config.json');
      return JSON.stringify(config);
    },
  };
  sandbox.exports = (sandbox.module as { exports: object }).exports;
  sandbox.__k6 = { k6, 'k6/http': { __esModule: true, default: http, ...http }, 'k6/metrics': metrics };
  runInNewContext(out.outputFiles[0]?.text ?? '', sandbox);
  return { exports: (sandbox.module as { exports: Record<string, unknown> }).exports, calls };
}

describe('the k6 scripts (run with k6 stubbed)', () => {
  const config = buildK6Config({ target: 'http://127.0.0.1:9999', tokens: ['tok_a', 'tok_b'] });

  it('export options whose thresholds and scenarios are the exported config', async () => {
    for (const script of K6_SCRIPTS) {
      const { exports } = await loadScript(path.join(K6_SOURCE_DIR, K6_SCRIPT_PLANS[script].source), config);
      const options = exports.options as { thresholds: unknown; scenarios: Record<string, { exec: string; executor: string }> };
      expect(options.thresholds, script).toEqual(config.scripts[script].thresholds);
      expect(Object.keys(options.scenarios).sort(), script).toEqual(Object.keys(config.scripts[script].scenarios).sort());
      for (const [exec, s] of Object.entries(options.scenarios)) {
        expect(s.exec).toBe(exec);
        expect(typeof exports[exec], `${script} exports ${exec}`).toBe('function');
      }
    }
  });

  it('make tagged requests to the target with the VU token', async () => {
    const { exports, calls } = await loadScript(path.join(K6_SOURCE_DIR, 'http-load.ts'), config);
    const data = (exports.setup as () => unknown)();
    expect(data).toEqual({ sessions: [['s1'], ['s1']] });
    calls.length = 0;
    for (const fn of ['listSessions', 'sessionDetail', 'actionsByTags', 'sessionStream', 'health'])
      (exports[fn] as (d: unknown) => void)(data);
    expect(calls.map((c) => [c.method, c.name])).toEqual([
      ['GET', 'list_sessions'],
      ['GET', 'session_detail'],
      ['GET', 'actions_by_tags'],
      ['POST', 'create_session'],
      ['POST', 'start_session'],
      ['GET', 'stream_session'],
      ['GET', 'health'],
    ]);
    expect(calls.every((c) => c.url.startsWith('http://127.0.0.1:9999/api/'))).toBe(true);
    // __VU 1 of 2 tokens -> the second token.
    expect(calls.filter((c) => c.name !== 'health').every((c) => c.auth === 'Bearer tok_b')).toBe(true);
    expect(calls[1]?.url).toBe('http://127.0.0.1:9999/api/v1/sessions/s1');
    expect(calls[2]?.url).toMatch(/\/api\/v1\/actions\?tag_ids=[0-9a-f-]{36}(,[0-9a-f-]{36})*&limit=50$/);
  });
});

describe('loadlab k6 export', () => {
  it('writes the bundled scripts and a config.json for the target', async () => {
    const out = path.join(dir, 'k6');
    const r = spawnSync(process.execPath, [BIN, 'k6', 'export', '--target', 'http://127.0.0.1:9999', '--out', out], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    for (const script of K6_SCRIPTS) {
      const file = path.join(out, `${script}.js`);
      expect(existsSync(file), file).toBe(true);
      const js = readFileSync(file, 'utf8');
      // Self-contained: the only imports left are k6's own modules.
      const imports = [...js.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.every((m) => m === 'k6' || m?.startsWith('k6/'))).toBe(true);
      expect(js).toContain('"./config.json"');
      expect(r.stdout).toContain(`wrote ${file}`);
    }
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as K6Config;
    expect(config.target).toBe('http://127.0.0.1:9999');
    const scenarioBudgets = await httpScenarioBudgets();
    expect(exportedPairs(config)).toEqual(expectedPairs({ ...scenarioBudgets, ...K6_ONLY_BUDGETS }));
    expect(config.scripts).toEqual(buildK6Config({ target: 'http://127.0.0.1:9999', scenarioBudgets: scenarioBudgets ?? {} }).scripts);
    expect(r.stderr).toContain('no --token given');
  });

  it('a bad target exits 2 with a stable code', () => {
    const r = spawnSync(process.execPath, [BIN, 'k6', 'export', '--target', 'localhost:8000', '--out', path.join(dir, 'bad')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('[LL_K6_TARGET_INVALID]');
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
