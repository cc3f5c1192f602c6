/**
 * Opens audit.html in headless Chromium, checks it drew, and saves a PNG. The only module that
 * touches playwright-core, loaded lazily so renderers and the CLI start without it.
 *
 * Every request other than the page itself is blocked and recorded: a self-contained report must
 * not need the network, and a request is how a regression there would show.
 */
import { access, constants } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

export const SCREENSHOT_DEFAULTS = Object.freeze({
  /** Debian's chromium package; .ci/run installs it when missing. */
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  /** A laptop viewport. */
  width: 1366,
  height: 900,
  fullPage: true,
  timeoutMs: 30_000,
});

export interface ScreenshotOptions {
  executablePath?: string;
  width?: number;
  height?: number;
  fullPage?: boolean;
  timeoutMs?: number;
}

export interface ChartCheck {
  chart: string;
  /** Elements carrying data-value / data-series, i.e. drawn data rather than axes. */
  dataElements: number;
}

export interface ScreenshotReport {
  pngPath: string;
  consoleErrors: string[];
  /** URLs the page tried to load; empty for a self-contained report. */
  blockedRequests: string[];
  charts: ChartCheck[];
}

/** True when the browser binary exists and is executable, so callers can skip instead of fail. */
export async function browserAvailable(executablePath: string = SCREENSHOT_DEFAULTS.executablePath): Promise<boolean> {
  try {
    await access(executablePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function screenshotReport(htmlPath: string, pngPath: string, options: ScreenshotOptions = {}): Promise<ScreenshotReport> {
  const o = { ...SCREENSHOT_DEFAULTS, ...options };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: o.executablePath, args: [...o.args], timeout: o.timeoutMs });
  try {
    const page = await browser.newPage({ viewport: { width: o.width, height: o.height } });
    const consoleErrors: string[] = [];
    const blockedRequests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const url = pathToFileURL(htmlPath).href;
    await page.route('**/*', async (route) => {
      if (route.request().url() === url) return route.continue();
      blockedRequests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load', timeout: o.timeoutMs });
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        chart: svg.getAttribute('data-chart') ?? '',
        dataElements: svg.querySelectorAll('path[data-series], rect[data-value], circle[data-value], line[data-value]').length,
      })),
    );
    await page.screenshot({ path: pngPath, fullPage: o.fullPage });
    return { pngPath, consoleErrors, blockedRequests, charts };
  } finally {
    await browser.close();
  }
}
