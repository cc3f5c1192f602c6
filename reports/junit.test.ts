import { describe, expect, it } from 'vitest';
import { failedBudgetRun, hostileRun, sampleRun } from './internal/fixtures.js';
import { renderJunit } from './junit.js';

describe('renderJunit', () => {
  it('has one test case per budget and no failure when none fails', () => {
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

  it('makes a not-judgeable budget a skipped test case, not a failure', () => {
    const xml = renderJunit(sampleRun());
    expect(xml).toMatch(/<testsuites [^>]*tests="10" failures="0" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testsuite name="concurrent-sessions" tests="1" failures="0" errors="0" skipped="1"/);
    expect(xml).toContain(
      [
        '    <testcase classname="loadlab.concurrent-sessions" name="sessions.start.over_cap p95 &lt; 100ms" time="0">',
        '      <skipped message="not judgeable (n too small): not judgeable: p95 needs n &gt;= 200 samples, &quot;sessions.start.over_cap&quot; has 10"/>',
        '    </testcase>',
      ].join('\n'),
    );
    const failed = renderJunit(failedBudgetRun());
    expect(failed).toMatch(/<testsuites [^>]*failures="1" errors="0" skipped="1"/);
    expect(failed.match(/<failure /g)).toHaveLength(1);
  });

  it('escapes names', () => {
    const xml = renderJunit(hostileRun());
    expect(xml).not.toContain('<script');
    expect(xml).toContain('&lt;script&gt;');
  });
});
