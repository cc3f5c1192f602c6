import { describe, expect, it } from 'vitest';
import { failedBudgetRun, hostileRun, sampleRun } from './internal/fixtures.js';
import { renderJunit } from './junit.js';

describe('renderJunit', () => {
  it('has one test case per budget and no failure when all pass', () => {
    const xml = renderJunit(sampleRun());
    expect(xml.match(/<testcase /g)).toHaveLength(sampleRun().budgets.length);
    expect(xml).toMatch(/<testsuites [^>]*tests="10" failures="0"/);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<testcase classname="loadlab.query-latency" name="query.list_sessions p95 &lt; 10ms" time="0"/>');
  });

  it('fails a breached budget with measured vs threshold', () => {
    const xml = renderJunit(failedBudgetRun());
    expect(xml).toMatch(/<testsuites [^>]*failures="1"/);
    expect(xml).toMatch(/<testsuite name="query-latency" tests="2" failures="1"/);
    expect(xml).toContain('<failure message="measured p95 12.5 ms, threshold p95 &lt; 10ms" type="budget">');
  });

  it('escapes names', () => {
    const xml = renderJunit(hostileRun());
    expect(xml).not.toContain('<script');
    expect(xml).toContain('&lt;script&gt;');
  });
});
