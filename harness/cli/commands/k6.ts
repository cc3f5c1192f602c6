import path from 'node:path';
import { Option, type Command } from 'commander';
import { buildK6Config, exportK6Scripts, HTTP_SCENARIO, httpScenarioBudgets, K6_EXPORT_DEFAULTS, type K6Variant } from '../../k6/index.js';
import { VERSION } from '../../runner/index.js';
import type { CommandContext } from './types.js';

interface ExportOptions {
  target: string;
  token: string[];
  tagIds?: string;
  variant: K6Variant;
  out: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerK6Command(program: Command, ctx: CommandContext): void {
  const k6 = program
    .command('k6')
    .description('k6 scripts of the HTTP scenarios, for distributed load with k6 or k6-operator (docs/distributed.md)');
  k6.command('export')
    .description(
      'Write the k6 scripts (bundled plain JS) and their config.json (target, tokens, thresholds generated from the HTTP budgets)',
    )
    .option('--target <url>', 'base URL of a running `loadlab serve`', K6_EXPORT_DEFAULTS.target)
    .option(
      '--token <token>',
      'bearer token (repeat for several users; VU n uses token n mod count); `loadlab serve` prints a demo one',
      collect,
      [],
    )
    .option('--tag-ids <list>', 'comma-separated tag UUIDs for the actions filter (default: placeholders that match nothing)')
    .addOption(
      new Option('--variant <variant>', 'engine variant the target serves: its budgets become the thresholds')
        .choices(['audited', 'optimized'])
        .default(K6_EXPORT_DEFAULTS.variant),
    )
    .option('--out <dir>', 'output folder', K6_EXPORT_DEFAULTS.out)
    .option('--json', 'print one JSON object listing the files written')
    .action(async (opts: ExportOptions) => {
      const printer = ctx.printer(opts.json === true);
      const tagIds =
        opts.tagIds === undefined
          ? []
          : opts.tagIds
              .split(',')
              .map((t) => t.trim())
              .filter((t) => t !== '');
      // The thresholds share the budgets of the in-process scenario, found through the registry.
      const scenarioBudgets = await httpScenarioBudgets();
      if (scenarioBudgets === undefined)
        printer.status(
          `warning: no "${HTTP_SCENARIO}" scenario is registered: only the k6-only thresholds (create, start, stream, checks) are exported`,
        );
      const config = buildK6Config({
        target: opts.target,
        tokens: opts.token,
        tagIds,
        variant: opts.variant,
        generatedBy: `loadlab ${VERSION} k6 export`,
        ...(scenarioBudgets === undefined ? {} : { scenarioBudgets }),
      });
      const written = await exportK6Scripts(config, opts.out);
      for (const file of [...written.scripts, written.config]) printer.line(`wrote ${file}`);
      if (config.notInK6.length > 0) printer.status(`not expressible as k6 thresholds (left out): ${config.notInK6.join(', ')}`);
      if (config.tokens.length === 0)
        printer.status('warning: no --token given: set LOADLAB_TOKEN when running k6, or every request answers 401');
      const first = written.scripts[0] ?? '';
      const rel = path.relative(process.cwd(), first);
      printer.line(
        `run one with: k6 run ${rel.startsWith('..') ? first : rel}   (k6 exits 99 when a threshold fails; see docs/distributed.md)`,
      );
      printer.result({
        target: config.target,
        outDir: written.outDir,
        scripts: written.scripts,
        config: written.config,
        thresholds: Object.fromEntries(Object.entries(config.scripts).map(([n, s]) => [n, s.thresholds])),
      });
    });
}
