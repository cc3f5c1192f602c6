import { describe, expect, it } from 'vitest';
import { calibrationFailedRun, emptyRun, hostileRun, sampleRun, uncalibratedRun } from '../internal/fixtures.js';
import { renderHtml } from './index.js';

const CHARTS = ['concurrency-sweep', 'percentiles', 'histogram', 'failover-timeline', 'pool-waiting', 'cost-buffer'];

/** The HTML of one element with id="…", up to its closing </section>. */
function sectionById(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The <tr> whose text contains `needle`. */
function row(html: string, needle: string): string {
  return [...html.matchAll(/<tr>[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((r) => r.includes(needle)) ?? '';
}

/** The body of each <svg data-chart="name">…</svg>. */
function charts(html: string): { name: string; body: string }[] {
  return [...html.matchAll(/<svg data-chart="([^"]+)"([\s\S]*?)<\/svg>/g)].map((m) => ({ name: m[1] ?? '', body: m[2] ?? '' }));
}

describe('renderHtml', () => {
  const html = renderHtml(sampleRun());

  it('is one self-contained file: no external asset, no script', () => {
    expect(html).not.toMatch(/src="http/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).not.toMatch(/href="https?:/i);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('@media print');
  });

  it('shows each claim with its evidence class and method, grouped by class, with the tally by class and verdict', () => {
    const claims = sectionById(html, 'claims-check');
    expect(claims).toContain('<th>Evidence class</th>');
    expect(claims).toContain('<th>Method</th>');
    expect(claims).toContain('<strong>27 audit claims: 15 measured (6 confirmed, 3 refuted, 3 inconclusive, 3 premise-false), 6 modelled');
    const classes = [...claims.matchAll(/<tr><td>(measured|modelled|conformance|premise)<\/td>/g)].map((m) => m[1]);
    expect(classes).toHaveLength(sampleRun().claims.length);
    expect(classes.join(',')).toMatch(/^(measured,)+(modelled,)+(conformance,)+(premise,?)+$/);
    expect(row(claims, '>C07<')).toMatch(/Premise false: .*premise false<\/span>/);
    expect(row(claims, '>C14<')).toMatch(/round\.personas = 5 \(plausible 3\.\.5: .*model-dependent/);
    expect(html).toMatch(/Audit claims.*premise false/);
  });

  it('draws every chart kind, each with data elements', () => {
    const found = charts(html);
    expect([...new Set(found.map((c) => c.name))].sort()).toEqual([...CHARTS, 'timeline'].sort());
    for (const c of found) expect(c.body, c.name).toMatch(/<(path|rect|circle)[^>]*data-(value|series)=/);
    // 8 comparisons with stored histograms, 10 bucketed histograms in the fixture.
    expect(found.filter((c) => c.name === 'percentiles')).toHaveLength(8);
    expect(found.filter((c) => c.name === 'histogram')).toHaveLength(10);
  });

  it('draws the fitted USL curve and the knee on the sweep', () => {
    const sweep = charts(html).find((c) => c.name === 'concurrency-sweep')?.body ?? '';
    expect(sweep).toMatch(/<path data-series="usl"/);
    expect(sweep).toMatch(/data-series="knee" data-value="50"/);
    expect(sweep.match(/data-series="throughput"/g)).toHaveLength(9);
  });

  it('marks the Redis kill and restart on the failover timeline', () => {
    const failover = charts(html).find((c) => c.name === 'failover-timeline')?.body ?? '';
    expect(failover).toContain('redis SIGKILL');
    expect(failover).toContain('redis restarted');
    expect(failover).toMatch(/data-series="p95"/);
    expect(failover).toMatch(/data-series="error rate"/);
  });

  it('has a calibration section with both figures, the ratio and each verdict', () => {
    expect(html.indexOf('<section id="calibration">')).toBeLessThan(html.indexOf('<section id="capacity">'));
    const cal = sectionById(html, 'calibration');
    const p50 = row(cal, '<td>p50</td><td class="num">0.19 ms');
    expect(p50).toContain(
      '<td class="num">0.19 ms <span class="muted">n=400</span></td><td class="num">0.176 ms <span class="muted">n=56,800</span></td>',
    );
    expect(p50).toContain(
      '<td class="num">1.08x</td><td>0.181 ms (n=400) · harness 1.05x · driver 1.03x</td><td>0.77–1.3</td><td><span class="ok">within</span> · enforced</td>',
    );
    expect(row(cal, '<td>simple</td>')).toContain('<span class="warn">OUTSIDE</span> · outside only with node-postgres&#39; gap to libpq');
    expect(row(cal, '<td>p95</td>')).toContain('<span class="warn">OUTSIDE</span> · outside only with node-postgres&#39; gap to libpq');
    expect(cal).toContain('<strong>Method</strong> (<a href="#s-query-latency">query-latency</a>): pgbench 15.10');
    expect(cal).toContain('<code>actions_by_tags_2.action_tags_idx</code>: pgbench scripts cannot bind');
    expect(html).toMatch(/<div class="card ok"><div class="card-label">Calibration<\/div><div class="card-value">2\/4<\/div>/);
    expect(html).not.toContain('Calibration failed');
  });

  it('flags an enforced calibration row outside its bounds', () => {
    const out = renderHtml(calibrationFailedRun());
    expect(out).toContain('<p class="bad">Calibration failed: 1 enforced row(s) outside bounds');
    expect(row(sectionById(out, 'calibration'), 'http-load')).toContain(
      '<td class="num">1.41x</td><td>—</td><td>0.77–1.3</td><td><span class="bad">OUTSIDE</span> · enforced: run untrusted</td>',
    );
    expect(out).toMatch(
      /<div class="card bad"><div class="card-label">Calibration<\/div><div class="card-value">1\/4<\/div><div class="card-detail">1 enforced row\(s\) OUTSIDE bounds/,
    );
    expect(renderHtml(uncalibratedRun())).toContain(
      '<p class="empty">This run had no calibration: no figure was checked against an independent tool.</p>',
    );
  });

  it('shows the method and the planning / execution / client breakdown in the query-latency block', () => {
    const ql = sectionById(html, 's-query-latency');
    expect(ql).toContain('<p class="method"><strong>Method:</strong> Each hot query ran 400 times per variant');
    expect(ql).toContain(
      '<th class="num">Client mean</th><th class="num">= Planning</th><th class="num">+ Execution</th><th class="num">+ Client/driver</th>',
    );
    expect(ql).toContain('server means from pg_stat_statements (track_planning)');
    expect(row(ql, '<code>list_sessions</code>')).toContain(
      '<td class="num">4.7</td><td class="num">0.012</td><td class="num">4.31</td><td class="num">0.378</td>',
    );
    expect(row(ql, '<td>simple</td>')).toContain('<td class="num">40</td><td class="num">0.38</td><td class="num">n&lt;200</td>');
    expect(sectionById(html, 's-n-plus-one')).not.toContain('Latency breakdown');
  });

  it('does not print or draw a percentile from too few samples; the max is shown instead', () => {
    const parallel = row(sectionById(html, 's-llm-parallelism'), 'round.duration.parallel');
    expect(parallel).toContain(
      '<td class="num">40</td><td class="num">2,040</td><td class="num">n&lt;100</td><td class="num">n&lt;200</td><td class="num">n&lt;1,000</td><td class="num">8,364</td>',
    );
    expect(parallel).not.toContain('3,876');
    const tail = row(sectionById(html, 's-llm-parallelism'), 'persona round of 5, tail');
    expect(tail).toContain('(n too small)');
    expect(tail).toContain('max 8,364 ms');
    expect(tail).not.toMatch(/3,876|3\.88 s/);
    const chart = charts(html).find((c) => c.body.includes('persona round of 5, tail'))?.body ?? '';
    expect(chart).not.toMatch(/data-stat="p9[059]"/);
    expect(chart).toMatch(/data-hidden="p95"[^>]*>[\s\S]*?n&lt;200<\/text>/);
    expect(chart).toMatch(/data-stat="max" data-value="8364"/);
    expect(html).toMatch(
      /<strong>persona round of 5, tail<\/strong> \(llm-parallelism\): p95 n&lt;200 → n&lt;200, ratio not shown \(n too small\)/,
    );
  });

  it('shows a not-judgeable budget as neither passed nor failed', () => {
    const budgets = row(sectionById(html, 'budgets'), 'sessions.start.over_cap');
    expect(budgets).toContain('not shown (n too small)');
    expect(budgets).toContain('<span class="warn">not judgeable (n too small)</span>');
    expect(budgets).not.toContain('59.7');
    expect(html).toContain(
      '<div class="card-label">Budgets</div><div class="card-value">9/10</div><div class="card-detail">1 not judgeable (n too small)</div>',
    );
    expect(sectionById(html, 's-concurrent-sessions')).toContain('budgets 0/1 met, 1 not judgeable');
    expect(sectionById(html, 'environment')).toContain(
      '<td><strong>Statement modes</strong></td><td>audited: prepared, optimized: prepared</td>',
    );
  });

  it('every in-page link has a target', () => {
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    const ids = new Set([...html.matchAll(/id="([^"]+)"/g)].map((m) => m[1]));
    expect(targets.filter((t) => !ids.has(t))).toEqual([]);
  });

  it('escapes all text', () => {
    const out = renderHtml(hostileRun());
    expect(out).not.toMatch(/<script/i);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('renders a run with nothing in it', () => {
    const out = renderHtml(emptyRun());
    expect(charts(out)).toEqual([]);
    expect(out).toContain('No capacity model in this run.');
    expect(out).not.toMatch(/undefined|NaN/);
  });
});
