import type { Command } from 'commander';
import { COMPARE_DEFAULTS, compareRuns, formatCompareTable } from '../../compare/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../../errors/index.js';
import { EXIT_CODES } from '../exit-codes.js';
import { loadRunResultFile } from './report.js';
import type { CommandContext } from './types.js';

function floor(name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0) {
    throw new LoadlabError(HARNESS_ERRORS.USAGE, `${name} must be a non-negative number, got "${raw}"`);
  }
  return v;
}

export function registerCompareCommand(program: Command, ctx: CommandContext): void {
  program
    .command('compare')
    .description('Compare two runs metric by metric with a noise-aware rule; exit 5 when a metric regressed')
    .argument('<base.json>', 'baseline RunResult (audit.json)')
    .argument('<new.json>', 'RunResult to check against the baseline')
    .option('--rel-floor <fraction>', 'minimum relative worsening that counts (0.1 = 10%)', String(COMPARE_DEFAULTS.relFloor))
    .option('--abs-floor-ms <ms>', 'minimum absolute worsening for time metrics, in ms', String(COMPARE_DEFAULTS.absFloorMs))
    .option('--changed-only', 'list only regressions and improvements')
    .option('--json', 'print one JSON object with every metric change')
    .action(
      async (basePath: string, newPath: string, opts: { relFloor: string; absFloorMs: string; changedOnly?: boolean; json?: boolean }) => {
        const printer = ctx.printer(opts.json === true);
        const options = { relFloor: floor('--rel-floor', opts.relFloor), absFloorMs: floor('--abs-floor-ms', opts.absFloorMs) };
        const [base, next] = [await loadRunResultFile(basePath), await loadRunResultFile(newPath)];
        const be = base.environment;
        const ne = next.environment;
        if (be.profile !== ne.profile || be.seed !== ne.seed) {
          printer.status(
            `warning: the runs differ in profile/seed (${be.profile}/${be.seed} vs ${ne.profile}/${ne.seed}); figures may not be comparable`,
          );
        }
        const report = compareRuns(base, next, options);
        printer.line(`base: ${basePath} (commit ${be.gitCommit ?? 'n/a'}, ${be.startedAt})`);
        printer.line(`new:  ${newPath} (commit ${ne.gitCommit ?? 'n/a'}, ${ne.startedAt})`);
        printer.line(`rule: ${report.rule}`);
        printer.line();
        printer.line(formatCompareTable(report, opts.changedOnly === true));
        printer.line();
        if (report.onlyInBase.length + report.onlyInNew.length > 0) {
          printer.line(`not compared: ${report.onlyInBase.length} metric(s) only in base, ${report.onlyInNew.length} only in new`);
        }
        for (const r of report.regressions) printer.line(`regressed: ${r.key} (${r.reason})`);
        printer.line(
          `${report.changes.length} metrics compared: ${report.regressions.length} regressed, ${report.improvements.length} improved`,
        );
        printer.result({ base: basePath, new: newPath, ...report });
        if (report.regressions.length > 0) {
          printer.error(`loadlab compare: ${report.regressions.length} regression(s): ${report.regressions.map((r) => r.key).join(', ')}`);
          ctx.setExitCode(EXIT_CODES.REGRESSION);
        }
      },
    );
}
