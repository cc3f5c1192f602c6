/**
 * The one place in reports/ that touches the file system: renderers stay pure, this writes their
 * output. Each file is written to a temporary name and renamed, so a CI step that uploads the
 * folder never sees a half-written report.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../harness/result/index.js';
import { REPORT_FILES, REPORT_FORMATS, type ReportFormat } from './formats.js';
import { renderHtml } from './html/index.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown/index.js';

const RENDERERS: Readonly<Record<ReportFormat, (result: RunResult) => string>> = {
  md: renderMarkdown,
  html: renderHtml,
  junit: renderJunit,
  json: renderJson,
};

export interface WrittenReport {
  format: ReportFormat;
  path: string;
  bytes: number;
}

export async function writeReports(
  result: RunResult,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
): Promise<WrittenReport[]> {
  await mkdir(outDir, { recursive: true });
  const written: WrittenReport[] = [];
  for (const format of REPORT_FORMATS.filter((f) => formats.includes(f))) {
    const text = RENDERERS[format](result);
    const path = join(outDir, REPORT_FILES[format]);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
    written.push({ format, path, bytes: Buffer.byteLength(text) });
  }
  return written;
}
