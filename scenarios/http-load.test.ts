import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../harness/infra/index.js';
import { minSamplesForPercentile } from '../harness/result/index.js';
import { runScenarioForTest } from '../test/support/index.js';
import { httpLoadScenario, type HttpLoadParams } from './http-load.js';

const SERVER_ENTRY = 'harness/load/internal/api-server.ts';

/**
 * Collects the PIDs of this process's children running the API server entry (Linux /proc), from a
 * worker thread: scanning /proc on the main thread would stall the load generator's event loop.
 */
function watchServerChildren(): { stop(): Promise<Set<number>> } {
  const seen = new Set<number>();
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    setInterval(() => {
      for (const e of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
        try {
          const stat = fs.readFileSync('/proc/' + e + '/stat', 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (ppid === workerData.ppid && fs.readFileSync('/proc/' + e + '/cmdline', 'utf8').includes(workerData.entry)) parentPort.postMessage(Number(e));
        } catch {}
      }
    }, 250);
  `,
    { eval: true, workerData: { ppid: process.pid, entry: SERVER_ENTRY } },
  );
  worker.on('message', (pid: number) => seen.add(pid));
  let stopped: Promise<Set<number>> | undefined;
  return { stop: () => (stopped ??= worker.terminate().then(() => seen)) };
}

// The smallest size whose p95 is a measurement: 100 req/s × 2 s = 200 requests per window.
const PARAMS: Partial<HttpLoadParams> = {
  ratePerSec: 100,
  connections: 5,
  durationSec: 2,
  warmupSec: 1,
  rounds: 1,
  calibrate: ['optimized'],
};
const WINDOW = 200;

describe('http-load scenario', () => {
  it('measures warm servers in child processes with enough samples, calibrated against the autocannon CLI', async () => {
    const watch = watchServerChildren();
    const out = await runScenarioForTest<HttpLoadParams>(httpLoadScenario, {
      params: PARAMS,
      seedProfile: { name: 'tiny', users: 200, sessions: 600, researchRows: 10 },
    }).finally(() => watch.stop());
    const seen = await watch.stop();
    expect(out.result.error).toBeUndefined();

    // The servers ran out of process (one child per variant), and none outlived the scenario.
    expect(seen.size, 'server children seen while the scenario ran').toBe(2);
    for (const pid of seen) expect(isAlive(pid), `server child ${pid} still alive`).toBe(false);

    const { histograms: h, counters: c } = out.result.measurements;
    const skipped = out.calibration.skipped;
    // A calibrated span whose p50s disagreed is measured once more and its figures pool both attempts.
    const attempts = (e: string, v: string): number =>
      1 + skipped.filter((s) => s.subject === `GET ${e} (${v}) p50 (first attempt)`).length;
    for (const e of ['listing', 'detail', 'actions', 'health']) {
      for (const v of ['audited', 'optimized']) {
        // The warm-up is excluded: exactly the window's responses, once per attempt.
        expect(c[`http.${e}.${v}.requests`]!.value, `${e} ${v} requests`).toBe(WINDOW * attempts(e, v));
        expect(h[`http.${e}.${v}`]!.count, `${e} ${v} n`).toBeGreaterThanOrEqual(minSamplesForPercentile(0.95));
        expect(h[`http.${e}.${v}`]!.p95).toBeGreaterThanOrEqual(h[`http.${e}.${v}`]!.p50);
        expect(c[`http.${e}.${v}.errors`]!.value, `${e} ${v} errors`).toBe(0);
      }
    }
    for (const v of ['audited', 'optimized']) expect(c[`http.${v}.warmup_requests`]!.value).toBeGreaterThan(0);
    // The p95 budgets read the histograms and have enough samples to be judged.
    const p95Budgets = out.result.budgets.filter((b) => b.stat === 'p95');
    expect(p95Budgets.map((b) => b.name).sort()).toEqual(['http.actions.optimized', 'http.listing.optimized']);
    for (const b of p95Budgets) {
      expect(b.judgeable, `${b.name}: ${b.message ?? ''}`).not.toBe(false);
      expect(b.passed).toBe(true);
    }
    expect(out.result.comparisons).toHaveLength(4);
    expect(out.result.comparisons.every((x) => (x.before.summary?.count ?? 0) >= WINDOW && (x.after.summary?.count ?? 0) >= WINDOW)).toBe(
      true,
    );
    expect(out.result.method).toMatch(/warm-up .* excluded/);

    // Every optimized endpoint has a p95 row and a p50 row, or a p50 skip when autocannon's
    // whole-millisecond reading cannot decide. Which endpoints are fast enough to need the skip
    // depends on the machine and the data (the optimized actions listing reads ~2 ms at tiny data),
    // so no endpoint is required to decide.
    expect(out.calibration.methods).toHaveLength(1);
    expect(out.calibration.methods[0]!.method).toMatch(/-C/);
    const rows = out.calibration.rows;
    // The ci profile calibrates the two endpoints the SLO budgets gate; the others get no CLI window.
    for (const e of ['detail', 'health']) expect(rows.filter((r) => r.subject === `GET ${e} (optimized)`)).toEqual([]);
    for (const e of ['listing', 'actions']) {
      const subject = `GET ${e} (optimized)`;
      expect(
        rows.filter((r) => r.subject === subject && r.statistic === 'p95'),
        `${subject} p95 row (skipped: ${skipped
          .filter((x) => x.subject.startsWith(subject))
          .map((x) => `${x.subject}: ${x.reason}`)
          .join('; ')})`,
      ).toHaveLength(1);
      const p50 = rows.filter((r) => r.subject === subject && r.statistic === 'p50');
      const p50Skip = skipped.filter((s) => s.subject === `${subject} p50`);
      expect(p50.length + p50Skip.length, `${subject}: one p50 row or one p50 skip`).toBe(1);
      for (const s of p50Skip) expect(s.reason).toMatch(/whole milliseconds/);
    }
    expect(skipped.filter((s) => !/ p50( \(first attempt\))?$/.test(s.subject))).toEqual([]);
    for (const r of rows) {
      expect(r.kind).toBe('http');
      expect(r.tool).toMatch(/^autocannon \d+\.\d+\.\d+ CLI, child process, -R 100 -c 5 -a 200 -C/);
      expect(r.loadlab, `${r.subject} ${r.statistic} loadlab`).toBeGreaterThan(0);
      expect(r.independent, `${r.subject} ${r.statistic} autocannon`).toBeGreaterThan(0);
      expect(r.loadlabN).toBeGreaterThanOrEqual(WINDOW);
      expect(r.independentN, 'autocannon -C: one sample per response').toBe(WINDOW);
      expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
      expect(r.enforced).toBe(r.statistic === 'p50');
    }
  }, 300_000);
});
