/**
 * Browser check: the fixture's audit.html rendered by headless Chromium (Debian's package, driven
 * by playwright-core). Skips, with the reason, where Chromium is not installed; .ci/run installs it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleRun } from './internal/fixtures.js';
import { SCREENSHOT_DEFAULTS, browserAvailable, screenshotReport } from './screenshot.js';
import { writeReports } from './write.js';

const available = await browserAvailable();
const reason = `${SCREENSHOT_DEFAULTS.executablePath} not found: install Debian's chromium package (apt-get install chromium) to run the browser check`;

describe.skipIf(!available)(available ? 'audit.html in headless Chromium' : `audit.html in headless Chromium (skipped: ${reason})`, () => {
  const dirs: string[] = [];
  // Keep the folder when asked, so a human can look at the screenshot.
  afterAll(async () => {
    if (process.env.LOADLAB_KEEP_REPORT === undefined) await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('renders without console errors or network requests, draws every chart, and saves a PNG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadlab-browser-'));
    dirs.push(dir);
    await writeReports(sampleRun(), dir, ['html']);
    const shot = await screenshotReport(join(dir, 'audit.html'), join(dir, 'audit.png'));
    expect(shot.consoleErrors).toEqual([]);
    expect(shot.blockedRequests).toEqual([]);
    expect(new Set(shot.charts.map((c) => c.chart))).toEqual(
      new Set(['concurrency-sweep', 'percentiles', 'histogram', 'failover-timeline', 'pool-waiting', 'cost-buffer', 'timeline']),
    );
    for (const c of shot.charts) expect(c.dataElements, c.chart).toBeGreaterThan(0);
    const png = await readFile(join(dir, 'audit.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000);
  });
});
