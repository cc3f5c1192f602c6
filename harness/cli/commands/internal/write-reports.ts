import type { Logger } from '../../../../engine/log/index.js';
import type { RunResult } from '../../../result/index.js';

/**
 * Renders audit.md, audit.html and junit.xml next to audit.json. A failure to render is logged,
 * never fatal: the JSON is the contract and `loadlab report` can re-render it later.
 */
export async function writeRunReports(result: RunResult, outDir: string, logger: Logger): Promise<void> {
  try {
    const reports = (await import('../../../../reports/index.js')) as { writeReports?: (r: RunResult, dir: string, formats?: readonly string[]) => Promise<unknown> | unknown };
    await reports.writeReports?.(result, outDir, ['md', 'html', 'junit']);
  } catch (err) {
    logger.warn({ err }, 'could not render the reports; audit.json is written');
  }
}
