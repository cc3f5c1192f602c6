import { describe, expect, it } from 'vitest';
import { emptyRun, failedBudgetRun, hostileRun, sampleRun } from '../internal/fixtures.js';
import { renderMarkdown } from './index.js';

const SECTIONS = [
  '## Executive Summary', '## Claims Check', '## Budgets', '## 1. Database Query Analysis', '## 2. LLM Call Parallelisation',
  '## 3. Redis Caching Analysis', '## 4. Concurrent Session Handling', '## 5. Memory & CPU Hotspots', '## 6. Scalability Limits',
  '## 7. Priority-Ranked Recommendations', '## 8. Monitoring & Observability Gaps', '## 9. Testing', '## 10. Appendix',
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

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleRun());

  it('has every section of the audit structure, in order', () => {
    const positions = SECTIONS.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('has the claims-check table with one row per claim and its verdict', () => {
    const rows = tableRows(md, '| ID | Claim | Audit section | Expected | Measured | Verdict | Evidence |');
    expect(rows).toHaveLength(sampleRun().claims.length);
    expect(rows[0]).toMatch(/C01 .*15\.3x.*✅ confirmed.*\(#s-query-latency\)/);
    expect(rows.filter((r) => r.includes('❌ refuted'))).toHaveLength(6);
  });

  it('has the budgets table and states measured limits with the knee and USL fit', () => {
    expect(tableRows(md, '| Budget | Scenario | Threshold | Measured | Result |')).toHaveLength(10);
    expect(md).toContain('**Throughput knee:** 50 concurrent sessions');
    expect(md).toMatch(/peak N\\\* = 98\.5/);
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

  it('lists failed budgets in the executive summary', () => {
    const failed = renderMarkdown(failedBudgetRun());
    expect(failed).toContain('**1 of 10 budgets failed**');
    expect(failed).toContain('- <code>query.list\\_sessions</code>: p95 &lt; 10ms, measured 12.5 ms');
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
  });

  it('degrades gracefully when sections are empty', () => {
    const out = renderMarkdown(emptyRun());
    for (const s of SECTIONS) expect(out).toContain(s);
    expect(out).toContain('No capacity model in this run');
    expect(out).toContain('_No claims were checked in this run._');
    expect(out).toContain('_No findings in this run._');
    expect(out).not.toMatch(/undefined|NaN/);
  });
});
