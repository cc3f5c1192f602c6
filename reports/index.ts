/**
 * reports/: pure renderers of the RunResult (audit.json; harness/result/types.ts is the contract).
 * Renderers are `(result) => string` and compute no statistic; writeReports and screenshotReport
 * are the only functions here that do I/O.
 */
export { renderMarkdown } from './markdown/index.js';
export { renderHtml } from './html/index.js';
export { renderJunit } from './junit.js';
export { renderJson } from './json.js';
export { REPORT_FILES, REPORT_FORMATS, SCREENSHOT_FILE, isReportFormat } from './formats.js';
export type { ReportFormat } from './formats.js';
export { writeReports } from './write.js';
export type { WrittenReport } from './write.js';
export { SCREENSHOT_DEFAULTS, browserAvailable, screenshotReport } from './screenshot.js';
export type { ChartCheck, ScreenshotOptions, ScreenshotReport } from './screenshot.js';
