import { Option, type Command } from 'commander';
import { migrate, OPTIMIZATION_NAMES, parseOptimizations } from '../../../engine/migrate/index.js';
import { LoadlabError, redactUrl } from '../../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../../errors/index.js';
import type { CommandContext } from './types.js';

export function registerMigrateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .description(
      'Apply the baseline schema (as audited on 2025-12-22) and chosen optimisations to a database; creates the database if missing',
    )
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL of the database to migrate (default: DATABASE_URL)'))
    .addOption(
      new Option('--optimizations <list>', `all, none, or a comma-separated list of: ${OPTIMIZATION_NAMES.join(', ')}`).default('all'),
    )
    .option('--json', 'print one JSON object with what was applied')
    .action(async (opts: { databaseUrl?: string; optimizations: string; json?: boolean }) => {
      const printer = ctx.printer(opts.json === true);
      const optimizations = parseOptimizations(opts.optimizations);
      const databaseUrl = opts.databaseUrl ?? ctx.env.databaseUrl;
      if (databaseUrl === undefined) {
        throw new LoadlabError(HARNESS_ERRORS.USAGE, 'migrate needs a database', {
          hint: 'pass --database-url postgres://user@host:5432/db or set DATABASE_URL (`loadlab infra up` prints one)',
        });
      }
      const report = await migrate({
        databaseUrl,
        optimizations,
        onApplied: (m) => printer.status(`  applied ${m.track} ${String(m.version).padStart(3, '0')} ${m.name}`),
      });
      if (report.createdDatabase) printer.status('  created the database');
      printer.line(
        `migrated ${redactUrl(databaseUrl)}: ${report.applied.length} migration(s) applied, optimizations: ${optimizations.length === 0 ? 'none' : optimizations.join(', ')}`,
      );
      printer.result({ database: redactUrl(databaseUrl), createdDatabase: report.createdDatabase, applied: report.applied, optimizations });
    });
}
