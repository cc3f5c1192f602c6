/** The report files and their fixed names (CI workflows and `loadlab compare` rely on them). */
export const REPORT_FORMATS = ['md', 'html', 'junit', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_FILES: Readonly<Record<ReportFormat, string>> = Object.freeze({
  md: 'audit.md',
  html: 'audit.html',
  junit: 'junit.xml',
  json: 'audit.json',
});

/** The screenshot written next to audit.html after a browser render. */
export const SCREENSHOT_FILE = 'audit.png';

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
