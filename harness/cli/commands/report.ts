import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  REPORT_FILES,
  REPORT_FORMATS,
  SCREENSHOT_DEFAULTS,
  SCREENSHOT_FILE,
  browserAvailable,
  isReportFormat,
  screenshotReport,
  writeReports,
  type ReportFormat,
} from '../../../reports/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../../errors/index.js';
import { validateRunResult, type RunResult } from '../../result/index.js';
import type { CommandContext } from './types.js';

/** Reads and validates a RunResult file; every failure is a usage error (exit 2) with a fix. */
export async function loadRunResultFile(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.REPORT_INPUT_MISSING, `cannot read ${path}`, {
      cause,
      hint: 'pass the audit.json written by `loadlab audit` (e.g. loadlab-report/ci/audit.json)',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.REPORT_INPUT_INVALID, `${path} is not JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  const v = validateRunResult(json);
  if (!v.valid) {
    const lines = v.errors.slice(0, 10).map((e) => `  ${e.path || '/'}: ${e.message}`);
    const more = v.errors.length > 10 ? `\n  ... and ${v.errors.length - 10} more` : '';
    throw new LoadlabError(
      HARNESS_ERRORS.REPORT_INPUT_INVALID,
      `${path} is not a loadlab RunResult (${v.errors.length} schema error(s)):\n${lines.join('\n')}${more}`,
      {
        hint: 'only audit.json files written by loadlab (schemaVersion 1) can be re-rendered',
      },
    );
  }
  return v.value;
}

type Wanted = ReportFormat | 'png';

function parseFormats(list: string): Wanted[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = names.filter((n) => n !== 'png' && !isReportFormat(n));
  if (bad.length > 0 || names.length === 0) {
    throw new LoadlabError(HARNESS_ERRORS.REPORT_FORMAT_UNKNOWN, `unknown report format: ${bad.join(', ') || '(empty)'}`, {
      hint: `use a comma-separated list of: ${[...REPORT_FORMATS, 'png'].join(', ')}`,
    });
  }
  return [...new Set(names)] as Wanted[];
}

export function registerReportCommand(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('Re-render the reports of an earlier run from its audit.json (validated first)')
    .argument('<audit.json>', 'RunResult written by `loadlab audit`')
    .option(
      '--format <list>',
      `comma-separated: ${REPORT_FORMATS.join(', ')}, png (screenshot; default: all, png when Chromium is installed)`,
    )
    .option('--out <dir>', 'output folder (default: the folder of <audit.json>)')
    .option('--chromium <path>', 'Chromium binary for the png screenshot', SCREENSHOT_DEFAULTS.executablePath)
    .option('--json', 'print one JSON object listing the files written')
    .action(async (input: string, opts: { format?: string; out?: string; chromium: string; json?: boolean }) => {
      const printer = ctx.printer(opts.json === true);
      const wanted = opts.format === undefined ? undefined : parseFormats(opts.format);
      const result = await loadRunResultFile(input);
      const outDir = opts.out ?? dirname(input);
      let formats = (wanted ?? REPORT_FORMATS).filter((f): f is ReportFormat => f !== 'png');
      // Re-rendering in place must not rewrite the input it was read from.
      if (resolve(outDir, REPORT_FILES.json) === resolve(input)) formats = formats.filter((f) => f !== 'json');
      const files: string[] = [];
      for (const w of await writeReports(result, outDir, formats)) {
        printer.line(`wrote ${w.path}`);
        files.push(w.path);
      }
      const png = wanted === undefined ? await browserAvailable(opts.chromium) : wanted.includes('png');
      if (png) {
        const html = join(outDir, REPORT_FILES.html);
        if (!formats.includes('html')) await writeReports(result, outDir, ['html']);
        try {
          const shot = await screenshotReport(html, join(outDir, SCREENSHOT_FILE), { executablePath: opts.chromium });
          printer.line(`wrote ${shot.pngPath}`);
          files.push(shot.pngPath);
          for (const e of shot.consoleErrors) printer.status(`warning: browser console error in the report: ${e}`);
        } catch (cause) {
          throw new LoadlabError(
            HARNESS_ERRORS.SCREENSHOT_FAILED,
            `could not screenshot ${html}: ${(cause as Error).message.split('\n')[0] ?? ''}`,
            {
              cause,
              hint: 'install Chromium (apt-get install chromium) or pass --chromium <path>; or drop png from --format',
            },
          );
        }
      } else if (wanted === undefined) {
        printer.status(`no screenshot: ${opts.chromium} not found (install chromium or pass --chromium)`);
      }
      printer.result({ input, out: outDir, files });
    });
}
