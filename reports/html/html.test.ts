import { describe, expect, it } from 'vitest';
import { emptyRun, hostileRun, sampleRun } from '../internal/fixtures.js';
import { renderHtml } from './index.js';

const CHARTS = ['concurrency-sweep', 'percentiles', 'histogram', 'failover-timeline', 'pool-waiting', 'cost-buffer'];

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

  it('draws every chart kind, each with data elements', () => {
    const found = charts(html);
    expect([...new Set(found.map((c) => c.name))].sort()).toEqual([...CHARTS, 'timeline'].sort());
    for (const c of found) expect(c.body, c.name).toMatch(/<(path|rect|circle)[^>]*data-(value|series)=/);
    // 7 comparisons with stored histograms, 10 bucketed histograms in the fixture.
    expect(found.filter((c) => c.name === 'percentiles')).toHaveLength(7);
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
