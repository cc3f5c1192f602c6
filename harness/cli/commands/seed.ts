import { Option, type Command } from 'commander';
import { LoadlabError, redactUrl } from '../../../engine/errors/index.js';
import { SEED_DEFAULTS, seedDatabase, type SeedProgress, type SeedResult } from '../../../seed/index.js';
import { HARNESS_ERRORS } from '../../errors/index.js';
import type { Printer } from '../printer.js';
import { DATA_SIZES, parseDataSize, parseProfileName, seedProfileFor } from './internal/seed-adapter.js';
import type { CommandContext } from './types.js';

interface SeedCommandOptions {
  profile: string;
  data?: string;
  seed: string;
  databaseUrl?: string;
  reset?: boolean;
  json?: boolean;
}

export function registerSeedCommand(program: Command, ctx: CommandContext): void {
  program
    .command('seed')
    .description('Fill a migrated database with deterministic, realistic data (COPY speed); prints an API token of the heaviest user')
    .addOption(
      new Option(
        '--profile <name>',
        'run profile whose data size to seed, as `loadlab run`: ci, default, full (full seeds the large data set)',
      ).default('ci'),
    )
    .addOption(new Option('--data <size>', `data size, overriding the profile's: ${DATA_SIZES.join(', ')}`))
    .addOption(new Option('--seed <n>', 'seed number: the same seed gives identical rows').default(String(SEED_DEFAULTS.seed)))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL of a migrated database (default: DATABASE_URL)'))
    .option('--reset', 'empty the seeded tables first (TRUNCATE ... CASCADE); without it a non-empty database is refused')
    .option('--json', 'print one JSON object with the per-table counts, rates and the token')
    .action(async (opts: SeedCommandOptions) => {
      const printer = ctx.printer(opts.json === true);
      // Validate every input before touching the database.
      const profile = seedProfileFor(parseDataSize(opts.data), parseProfileName(opts.profile));
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed)) {
        throw new LoadlabError(HARNESS_ERRORS.USAGE, `--seed must be an integer, got "${opts.seed}"`);
      }
      const databaseUrl = opts.databaseUrl ?? ctx.env.databaseUrl;
      if (databaseUrl === undefined) {
        throw new LoadlabError(HARNESS_ERRORS.USAGE, 'seed needs a database', {
          hint: 'pass --database-url postgres://user@host:5432/db or set DATABASE_URL (then `loadlab migrate` it first)',
        });
      }
      printer.status(`seeding ${redactUrl(databaseUrl)} (profile ${profile.name}, seed ${seed}${opts.reset === true ? ', reset' : ''})`);
      const result = await seedDatabase({ databaseUrl, profile, seed, reset: opts.reset === true, onProgress: progressPrinter(printer) });
      printer.endProgress();
      printSummary(printer, result);
      printer.result({ database: redactUrl(databaseUrl), ...result });
    });
}

/** Rewrites one line per table on a TTY; prints a line per finished table otherwise. */
function progressPrinter(printer: Printer): (e: SeedProgress) => void {
  return (e) => {
    if (e.phase !== 'table') {
      printer.status(e.phase === 'prepare' ? '  preparing (checks, personas, value pools)' : '  ANALYZE');
      return;
    }
    const secs = (e.elapsedMs / 1000).toFixed(1);
    const pct = e.expected === undefined || e.expected === 0 ? '' : ` ${Math.min(100, Math.round((100 * e.rows) / e.expected))}%`;
    if (e.stage === 'done') printer.status(`  ${e.table.padEnd(24)} ${e.rows.toLocaleString('en-US').padStart(11)} rows  (${secs}s)`);
    else if (printer.tty) printer.progress(`  ${e.table.padEnd(24)} ${e.rows.toLocaleString('en-US').padStart(11)} rows${pct} ${e.stage}`);
  };
}

function printSummary(printer: Printer, r: SeedResult): void {
  printer.line(`seeded profile ${r.profile} (seed ${r.seed}, reference date ${r.referenceDate.slice(0, 10)})`);
  for (const t of r.tables)
    printer.line(
      `  ${t.table.padEnd(24)} ${t.rows.toLocaleString('en-US').padStart(11)} rows  ${(t.rows / Math.max(t.seconds, 0.001)).toFixed(0).padStart(9)} rows/s`,
    );
  printer.line(
    `  ${'total'.padEnd(24)} ${r.totalRows.toLocaleString('en-US').padStart(11)} rows in ${r.seconds.toFixed(1)}s = ${r.rowsPerSec.toLocaleString('en-US')} rows/s`,
  );
  printer.line(
    `heaviest user ${r.heavyUser.id} (${r.heavyUser.sessions.toLocaleString('en-US')} sessions), API token: ${r.heavyUser.token}`,
  );
}
