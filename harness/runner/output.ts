import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../result/index.js';

export const OUTPUT_DEFAULTS = {
  root: 'loadlab-report',
  latest: 'latest',
  resultFile: 'audit.json',
} as const;

/** `./loadlab-report/2026-11-27T05-40-12Z`: sortable, and safe on every filesystem. */
export function defaultOutDir(now = new Date(), root: string = OUTPUT_DEFAULTS.root): string {
  return path.join(
    root,
    now
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replaceAll(':', '-'),
  );
}

/** Writes audit.json and points `<root>/latest` at the folder (a symlink, replaced atomically). */
export function writeResult(result: RunResult, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, OUTPUT_DEFAULTS.resultFile);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}

export function pointLatest(outDir: string): void {
  const root = path.dirname(path.resolve(outDir));
  const link = path.join(root, OUTPUT_DEFAULTS.latest);
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(path.basename(outDir), tmp);
    fs.renameSync(tmp, link);
  } catch {
    // A filesystem without symlinks: the timestamped folder is still there.
  }
}
