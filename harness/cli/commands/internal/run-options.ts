import type { Command } from 'commander';

/** The options `loadlab run` and `loadlab audit` share (both end in executeRun). */
export function addRunOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'ci | default | full', 'ci')
    .option('--out <dir>', 'output folder (default ./loadlab-report/<timestamp>, linked from ./loadlab-report/latest)')
    .option('--config <file>', 'budgets file: loadlab.config.ts or .json (default ./loadlab.config.ts when present)')
    .option('--seed <n>', 'data seed (same seed, same rows)')
    .option(
      '--disable <list>',
      'turn recommendations off for this run: schema optimisations (task-count, sessions-covering, …) or engine features (api.batchLookups, db.poolMax, …); e.g. to check that `loadlab compare` catches their loss',
    )
    .option('--data <size>', 'seeded data size: tiny, ci, default, large (default: by profile: ci→ci, default→default, full→large)')
    .option('--database-url <url>', 'use this PostgreSQL server instead of an embedded one')
    .option('--redis-url <url>', 'use this Redis instead of a redis-server child')
    .option('--keep', 'keep the databases after the run')
    .option('--json', 'print one JSON summary object');
}
