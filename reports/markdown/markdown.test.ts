import { describe, expect, it } from 'vitest';
import { calibrationFailedRun, emptyRun, failedBudgetRun, hostileRun, sampleRun, uncalibratedRun } from '../internal/fixtures.js';
import { renderMarkdown } from './index.js';

const SECTIONS = [
  '## Executive Summary',
  '## Calibration',
  '## Claims Check',
  '## Budgets',
  '## 1. Database Query Analysis',
  '## 2. LLM Call Parallelisation',
  '## 3. Redis Caching Analysis',
  '## 4. Concurrent Session Handling',
  '## 5. Memory & CPU Hotspots',
  '## 6. Scalability Limits',
  '## 7. Priority-Ranked Recommendations',
  '## 8. Monitoring & Observability Gaps',
  '## 9. Testing',
  '## 10. Appendix',
];

function tableRows(md: string, header: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start).toBeGreaterThan(-1);
  const rows: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l);
  }
  return rows;
}

/** Cells of a GFM row: split on unescaped pipes (entities like &#124; are not separators). */
const cells = (row: string): number => row.split('|').length - 2;

/** The Markdown of one scenario block, from its heading to the next heading of the same level. */
function block(md: string, scenario: string): string {
  const start = md.indexOf(`<a id="s-${scenario}"></a>`);
  expect(start).toBeGreaterThan(-1);
  const end = md.indexOf('\n### ', start);
  return md.slice(start, end === -1 ? undefined : end);
}

const CALIBRATION_HEADER =
  '| Scenario | Subject | Mode | Statistic | loadlab (n) | Independent (n) | Tool | Ratio | node-postgres alone | Bounds | Verdict |';
const BREAKDOWN_HEADER =
  '| Query | Variant | Mode | n | Client p50 | Client p95 | Client mean | = Planning | + Execution | + Client/driver | Plans per call | Source | EXPLAIN planning / execution |';

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleRun());

  it('has every section of the audit structure, in order', () => {
    const positions = SECTIONS.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('has the claims-check table with one row per claim and its verdict', () => {
    const run = sampleRun();
    const rows = tableRows(md, '| Evidence class | ID | Claim | Audit section | Method | Expected | Measured | Verdict | Scenario |');
    expect(rows).toHaveLength(run.claims.length);
    expect(rows[0]).toMatch(
      /^\| measured \| C01 .*statements the engine's audited listing.*claim 5\.\.10; confirmed 4\.\.12.*\| 51: .*❌ refuted \(judged on the point: no interval recorded\) \| \[n-plus-one\]\(#s-n-plus-one\) \|$/,
    );
    expect(rows.filter((r) => r.includes('❌ refuted'))).toHaveLength(run.claims.filter((c) => c.verdict === 'refuted').length);
    // Grouped by class, in the order the legend gives them.
    const classes = rows.map((r) => r.split(' | ')[0]?.slice(2));
    expect([...new Set(classes)]).toEqual(['measured', 'modelled', 'conformance', 'premise']);
    expect(classes.join(',')).toMatch(/^(measured,)+(modelled,)+(conformance,)+(premise,?)+$/);
  });

  it('shows how each verdict was reached: constants with their ranges, a false premise beside what still changed, why not measured', () => {
    const rows = tableRows(md, '| Evidence class | ID | Claim | Audit section | Method | Expected | Measured | Verdict | Scenario |');
    const row = (id: string): string => rows.find((r) => r.includes(`| ${id} |`)) ?? '';
    expect(row('C14')).toMatch(
      /round\.personas = 5 \(plausible 3\.\.5: .*\); at low inconclusive \(2\.98x\), at high confirmed \(4\.96x\)/,
    );
    expect(row('C14')).toContain(
      '❔ inconclusive (model-dependent: round.personas 3..5 gives inconclusive / confirmed; interval 4.9..5.02x (min-max, n 3))',
    );
    expect(row('C02')).toContain('❔ inconclusive (interval 3.9..6.1x (min-max, n 3) spans inconclusive and confirmed)');
    expect(row('C26')).toMatch(/llm\.latency\.p50 = not reported .*Not yet re-judged at the ends of these ranges\./);
    expect(row('C07')).toMatch(
      /Premise false: idx\\_session\\_events\\_session\\_id .*What the recommendation still changes: 15\.3x; the claim's bound would read it as confirmed\..*⚠️ premise false/,
    );
    expect(row('C36')).toMatch(
      /not measured: no scenario measures this claim yet \| ❔ inconclusive \(not measured in this run\) \| none \|$/,
    );
  });

  it('counts claims by evidence class and verdict in the summary line', () => {
    expect(md).toContain(
      '**27 audit claims: 15 measured (6 confirmed, 3 refuted, 3 inconclusive, 3 premise-false), 6 modelled (2 confirmed, 2 refuted, 2 inconclusive), 4 conformance (2 confirmed, 2 refuted), 2 premise (2 refuted).**',
    );
    expect(md).toMatch(
      /\*\*Overall:\*\* .*27 audit claims: \d+ measured \(\d+ confirmed, \d+ refuted, \d+ inconclusive, 3 premise-false\), \d+ modelled \(/,
    );
  });

  it('has the budgets table and states measured limits with the knee and USL fit', () => {
    expect(tableRows(md, '| Budget | Scenario | Threshold | Measured | Result |')).toHaveLength(10);
    expect(md).toContain('**Throughput knee:** 50 concurrent sessions');
    expect(md).toMatch(/peak N\* = 98\.5/);
  });

  it('gives sample size and spread with the figures', () => {
    expect(md).toContain('| <code>query.list\\_sessions.baseline</code> | ms | 400 |');
    expect(md).toContain('baseline: 7.98 ms (n=400)');
    expect(md).toContain('95% bootstrap CI');
    expect(md).toContain('range 35.1%–40.2% over 3 repeats');
  });

  it('ranks recommendations by measured impact', () => {
    const rows = tableRows(md, '| Rank | Priority | Finding | Measured impact | Score |');
    expect(rows.map((r) => r.split('|')[1]?.trim())).toEqual(['1', '2', '3', '4']);
  });

  it('every in-report link has an anchor', () => {
    const targets = [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    const ids = new Set([...md.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    expect(targets.length).toBeGreaterThan(20);
    expect(targets.filter((t) => !ids.has(t))).toEqual([]);
  });

  it('lists failed budgets in the executive summary, and not-judgeable ones apart', () => {
    const failed = renderMarkdown(failedBudgetRun());
    expect(failed).toContain('**1 of 10 budgets failed** (8/10 met, 1 not judgeable)');
    expect(failed).toContain('- <code>query.list\\_sessions</code>: p95 &lt; 10ms, measured 12.5 ms');
    const failedList = failed.slice(failed.indexOf('**Failed budgets:**'), failed.indexOf('**Budgets not judgeable**'));
    expect(failedList).not.toContain('sessions.start.over');
  });

  it('counts a budget on a percentile from too few samples as not judgeable, neither passed nor failed', () => {
    expect(md).toContain('**Overall:** ✅ passed · 9/10 budgets met, 1 not judgeable ·');
    expect(md).not.toContain('**Failed budgets:**');
    const row = tableRows(md, '| Budget | Scenario | Threshold | Measured | Result |').find((r) => r.includes('sessions.start.over'));
    expect(row).toContain('| not shown (n too small) | ⏭️ not judgeable (n too small): not judgeable: p95 needs n &gt;= 200 samples');
    expect(row).not.toContain('59.7');
    expect(md).toContain('9/10 met, 0 failed, 1 not judgeable');
    expect(block(md, 'concurrent-sessions')).toContain('budgets 0/1 met, 1 not judgeable');
  });

  it('has the calibration section: methods, both figures with n, the ratio, bounds, verdict and skips', () => {
    expect(md.indexOf('## Calibration')).toBeLessThan(md.indexOf('## Claims Check'));
    expect(md).toContain('<a id="calibration"></a>');
    const rows = tableRows(md, CALIBRATION_HEADER);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(
      '| [query-latency](#s-query-latency) | <code>events\\_by\\_session.events\\_idx</code> | prepared | p50 | 0.19 ms (n=400) | 0.176 ms (n=56,800) | pgbench 15.10 -M prepared | 1.08x | 0.181 ms (n=400) · harness 1.05x · driver 1.03x | 0.77–1.3 | ✅ within · enforced |',
    );
    expect(rows[1]).toMatch(
      /\| p95 \| 0\.36 ms \(n=400\) \| 0\.228 ms \(n=56,800\) \| .* \| 1\.58x \| .* \| 0\.67–1\.5 \| ⚠️ OUTSIDE · outside only with node-postgres' gap to libpq \(driver 1\.45x\); loadlab's own path alone is within \(harness 1\.09x\) \|$/,
    );
    // Too slow against libpq, but node-postgres alone is nearly as slow: reported, not enforced.
    expect(rows[2]).toMatch(
      /\| simple \| p50 \| 1\.36 ms \(n=400\) \| 1\.02 ms \(n=400\) \| .* \| 1\.33x \| 1\.31 ms \(n=400\) · harness 1\.04x · driver 1\.28x \| 0\.77–1\.3 \| ⚠️ OUTSIDE · outside only with node-postgres' gap to libpq \(driver 1\.28x\); loadlab's own path alone is within \(harness 1\.04x\) \|$/,
    );
    expect(rows[3]).toContain('| [http-load](#s-http-load)');
    expect(rows[3]).toContain('| — | 0.77–1.3 |');
    expect(md).toContain('- [http-load](#s-http-load): autocannon as a CLI child process');
    expect(md).toContain(
      '**Not calibrated:**\n\n- [query-latency](#s-query-latency) <code>actions\\_by\\_tags\\_2.action\\_tags\\_idx</code>: pgbench scripts cannot bind',
    );
    expect(md).toContain('[calibration](#calibration) 2/4 within bounds');
    expect(md).not.toContain('Calibration failed');
  });

  it('flags an enforced calibration row outside its bounds, in the summary and in the table', () => {
    const out = renderMarkdown(calibrationFailedRun());
    const row = tableRows(out, CALIBRATION_HEADER).find((r) => r.includes('http-load'));
    expect(row).toContain(
      '| 5.1 ms (n=6,000) | 3.62 ms (n=2,500) | autocannon 8 CLI child, 250 req/s | 1.41x | — | 0.77–1.3 | ❌ **OUTSIDE** · enforced: run untrusted |',
    );
    const summary = out.slice(out.indexOf('## Executive Summary'), out.indexOf('## Calibration'));
    expect(summary).toContain('[**calibration: 1 enforced row(s) OUTSIDE bounds**](#calibration)');
    expect(summary).toContain('> ❌ **Calibration failed:** 1 enforced row(s) outside bounds');
    expect(summary).toContain(
      'GET /api/v1/sessions (optimized) p50: loadlab 5.1 ms vs autocannon 8 CLI child, 250 req/s 3.62 ms, ratio 1.41x outside 0.77–1.3',
    );
    expect(summary).toContain('**results untrusted**');
  });

  it('flags a query row whose harness ratio (loadlab / node-postgres alone) is outside the bounds', () => {
    const r = sampleRun();
    const row = r.calibration?.rows.find((x) => x.driver?.enforced === true && x.statistic === 'p50');
    if (row?.driver === undefined) throw new Error('fixture changed');
    Object.assign(row, { loadlab: 1.81 });
    Object.assign(row.driver, { harnessRatio: 1.382, withinBounds: false });
    const out = renderMarkdown(r);
    const line = tableRows(out, CALIBRATION_HEADER).find((x) => x.includes('| p50 | 1.81 ms'));
    expect(line).toContain('| ❌ **HARNESS OUTSIDE** · loadlab / node-postgres 1.38x: run untrusted |');
    const summary = out.slice(out.indexOf('## Executive Summary'), out.indexOf('## Calibration'));
    expect(summary).toContain(
      'actions\\_by\\_tags\\_3.baseline (simple) p50: loadlab 1.81 ms vs node-postgres alone 1.31 ms, harness ratio 1.38x outside 0.77–1.3',
    );
  });

  it('says in one line when the run had no calibration', () => {
    const out = renderMarkdown(uncalibratedRun());
    expect(out).toContain(
      '## Calibration\n<a id="calibration"></a>\n\n_This run had no calibration: no figure was checked against an independent tool._\n',
    );
    expect(out).toContain('· no calibration ·');
  });

  it('does not print a percentile from too few samples, but shows n and the max', () => {
    const llm = block(md, 'llm-parallelism');
    // round.duration.parallel: n=40, so p50 (needs 20) is shown, p90/p95/p99 are not; its p95 is 3,876 ms.
    expect(llm).toContain('| <code>round.duration.parallel</code> | ms | 40 | 2,040 | n&lt;100 | n&lt;200 | n&lt;1,000 | 8,364 |');
    expect(llm).not.toMatch(/3,876|3\.88 s/);
    expect(llm).toContain(
      '_Percentiles from fewer than 10/(1−q) samples are not shown (p50 needs n ≥ 20, p90 needs n ≥ 100, p95 needs n ≥ 200, p99 needs n ≥ 1,000); the max is._',
    );
    const tail = tableRows(llm, '| Comparison | Metric | Before | After | Ratio | Interval of the ratio |').find((r) =>
      r.includes('persona round of 5, tail'),
    );
    expect(tail).toBe(
      '| persona round of 5, tail | <code>round.duration.p95</code> | serial: (n too small) n=40, max 41.5 s | parallel: (n too small) n=40, max 8,364 ms | (n too small) | (n too small) |',
    );
    // 400 samples: p95 shown, p99 (needs 1,000) not.
    expect(md).toContain('| <code>query.list\\_sessions.baseline</code> | ms | 400 | 4.2 | 6.72 | 7.98 | n&lt;1,000 | 17.2 |');
    expect(md).toContain('| 50 | 0.375 sessions/s | n&lt;20 | n&lt;200 | n&lt;1,000 | 15 | 0 |');
  });

  it('shows the method and the planning / execution / client breakdown in the query-latency block', () => {
    const ql = block(md, 'query-latency');
    expect(ql).toContain('**Method:** Each hot query ran 400 times per variant');
    expect(ql).toContain('server means from pg\\_stat\\_statements (track\\_planning), and client/driver is the client mean minus both');
    const rows = tableRows(ql, BREAKDOWN_HEADER);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toBe(
      '| <code>list\\_sessions</code> | baseline | prepared | 400 | 4.2 | 7.98 | 4.7 | 0.012 | 4.31 | 0.378 | 0.0025 | pg\\_stat\\_statements | 0.21 / 4.05 |',
    );
    expect(rows[1]?.startsWith('|   | task\\_count | prepared |')).toBe(true);
    expect(rows.find((r) => r.includes('| unnamed |'))).toContain('| 0.452 | 0.182 | 0.064 | 0.206 | 1 |');
    expect(rows.find((r) => r.includes('| simple |'))).toBe(
      '|   | events\\_idx | simple | 40 | 0.38 | n&lt;200 | 0.43 | n/a | n/a | n/a | n/a | none | — |',
    );
    expect(rows.find((r) => r.includes('costs'))).toContain('| EXPLAIN | — |');
    expect(block(md, 'n-plus-one')).not.toContain('Latency breakdown');
  });

  it('shows statement modes in the environment', () => {
    expect(md).toContain('| **Statement modes** | audited: <code>prepared</code>, optimized: <code>prepared</code> |');
  });

  it('escapes markup in names and keeps tables intact', () => {
    const out = renderMarkdown(hostileRun());
    expect(out).not.toContain('<script');
    // Brackets are backslash-escaped, so the text is not a link.
    expect(out).not.toMatch(/[^\\]\]\(http:\/\/evil/);
    expect(out).toContain('\\[link\\](http://evil.example)');
    expect(out).toContain('&lt;script&gt;');
    const rows = tableRows(out, '| Budget | Scenario | Threshold | Measured | Result |');
    expect(rows.every((r) => cells(r) === 5)).toBe(true);
    expect(tableRows(out, CALIBRATION_HEADER).every((r) => cells(r) === 11)).toBe(true);
    expect(tableRows(out, BREAKDOWN_HEADER).every((r) => cells(r) === 13)).toBe(true);
  });

  it("shows each scenario's load generator headroom against the self-check's limits", () => {
    const run = sampleRun();
    const first = run.scenarios[0];
    if (first === undefined) throw new Error('sample has no scenario');
    first.generator = {
      eventLoopDelayP99Ms: 394.5,
      eventLoopDelayLimitMs: 250,
      cpuP95Percent: 61,
      cpuLimitPercent: 90,
      cpuOf: 'main thread',
    };
    const rows = tableRows(renderMarkdown(run), '| Scenario | Event-loop delay p99 | CPU p95 (% of one core) | Within the limits |');
    expect(rows).toHaveLength(run.scenarios.length);
    expect(rows[0]).toBe(`| ${first.name} | 394.5 ms (limit 250 ms) | 61.0 %, main thread (limit 90 %) | no: untrusted |`);
    expect(rows[1]).toContain('| yes |');
  });

  it('degrades gracefully when sections are empty', () => {
    const out = renderMarkdown(emptyRun());
    for (const s of SECTIONS) expect(out).toContain(s);
    expect(out).toContain('No capacity model in this run');
    expect(out).toContain('_No claims were checked in this run._');
    expect(out).toContain('_No findings in this run._');
    expect(out).toContain('_This run had no calibration');
    expect(out).not.toMatch(/undefined|NaN/);
  });
});
