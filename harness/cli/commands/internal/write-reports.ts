import path from 'node:path';
import type { Logger } from '../../../../engine/log/index.js';
import { browserAvailable, REPORT_FILES, SCREENSHOT_FILE, screenshotReport, writeReports } from '../../../../reports/index.js';
import type { RunResult } from '../../../result/index.js';
import { writeResult } from '../../../runner/index.js';

/**
 * Renders audit.md, audit.html and junit.xml next to audit.json, and a PNG screenshot of the
 * HTML when a Chromium is installed. A rendering failure is logged, never fatal: audit.json is
 * the contract and `loadlab report` can re-render it. Returns the result with the screenshot
 * listed as an artifact when one was taken.
 */
export async function writeRunReports(result: RunResult, outDir: string, logger: Logger): Promise<RunResult> {
  try {
    await writeReports(result, outDir, ['md', 'html', 'junit']);
  } catch (err) {
    logger.warn({ err }, 'could not render the reports; audit.json is written');
    return result;
  }
  if (!(await browserAvailable())) return result;
  try {
    const shot = await screenshotReport(path.join(outDir, REPORT_FILES.html), path.join(outDir, SCREENSHOT_FILE));
    if (shot.consoleErrors.length > 0) logger.warn({ consoleErrors: shot.consoleErrors }, 'the HTML report logged errors in the browser');
    const withShot: RunResult = {
      ...result,
      artifacts: [...result.artifacts, { name: 'Report screenshot', path: SCREENSHOT_FILE, kind: 'screenshot' }],
    };
    writeResult(withShot, outDir);
    await writeReports(withShot, outDir, ['md', 'html', 'junit']);
    return withShot;
  } catch (err) {
    logger.warn({ err }, 'could not take the report screenshot');
    return result;
  }
}
