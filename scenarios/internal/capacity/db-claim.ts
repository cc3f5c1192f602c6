import { checkClaim, claimSpec } from '../../../harness/audit/index.js';
import type { Claim } from '../../../harness/result/index.js';
import { doublingValue, firstDoubling } from './db-doubling.js';
import type { LevelLimits } from './sweep.js';

/** A variant's sweep as C32 reads it. */
export interface DbSweep {
  variant: string;
  label: string;
  rateLimits: string;
  levels: readonly LevelLimits[];
  /** The engine's session cap and pool size in this sweep. */
  cap: number;
  poolMax: number;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

function levelText(l: LevelLimits): string {
  const d = l.run.db;
  return (
    `${l.concurrency}: p95 ${ms(d.statementP95Ms)} (p50 ${ms(d.statementP50Ms)}, n ${d.statements}, ${d.statementsPerS.toFixed(0)} statements/s), ` +
    `pool acquire p99 ${ms(l.run.poolAcquireP99Ms)}, peak pool waiters ${l.run.peakPoolWaiting}, peak queued starts ${l.run.peakWaitingStarts}, ` +
    `event loop p99 ${ms(l.run.eventLoopP99Ms)}, CPU ${l.run.cpuPercent.toFixed(0)}%, ${l.sessionsPerS.toFixed(3)} sessions/s`
  );
}

/**
 * C32: the lowest level of the audited sweep whose DB statement p95 is at least twice its p95 at
 * the sweep's lowest level, with the optimized sweep under the same provider limits beside it.
 * "Not reached up to N" is a lower bound: judged only when N is already past the claim's refute
 * edge (so is everything above it), otherwise reported as not measured (null) with the figures.
 */
export function dbDoublingClaim(
  audited: DbSweep,
  optimized: DbSweep | undefined,
  input: {
    timeScale: number;
    method: string;
    /** A one-level audited sweep without provider limits, shown beside. */ unpinned?: DbSweep | undefined;
  },
): Omit<Claim, 'scenario'> {
  const spec = claimSpec('C32');
  const d = firstDoubling(audited.levels.map((l) => ({ concurrency: l.concurrency, p95Ms: l.run.db.statementP95Ms })));
  const value = doublingValue(d, (n) => n > 100 && spec.judge(n) === 'refuted');
  const top = audited.levels[audited.levels.length - 1]?.concurrency ?? 0;
  const head =
    d.kind === 'doubled'
      ? `audited DB statement p95 first doubled at ${d.at} concurrent sessions (${ms(d.p95Ms)} vs ${ms(d.baseMs)} at the lowest level)`
      : d.kind === 'not-reached'
        ? `audited DB statement p95 did not double: not reached up to ${d.upTo} sessions (p95 at the lowest level ${ms(d.baseMs)})` +
          (value === null
            ? '; a lower bound below the claim cannot be judged, so no value'
            : `; more than ${d.upTo} (a lower bound, past the refute edge)`)
        : 'audited sweep ran no statements: not measured';
  const onOptimized = (optimized?.levels ?? []).filter((l) => audited.levels.some((a) => a.concurrency === l.concurrency));
  // At a compressed clock a session issues its statements 1/timeScale times faster than in real time.
  const equivalent = audited.levels.map((l) => `${l.concurrency} -> ~${Math.round(l.concurrency / input.timeScale)}`).join(', ');
  const summary =
    `${head}. Audited sweep (rate limits ${audited.rateLimits}, session cap ${audited.cap}, pool ${audited.poolMax}), per level: ${audited.levels.map(levelText).join('; ')}. ` +
    (onOptimized.length > 0
      ? `Optimized sweep (rate limits ${optimized?.rateLimits ?? '?'}) at the same levels: ${onOptimized.map(levelText).join('; ')}. `
      : 'No optimized sweep at the same levels. ') +
    (input.unpinned === undefined || input.unpinned.label === audited.label
      ? ''
      : `Audited without provider limits (its own sweep): ${input.unpinned.levels.map(levelText).join('; ')}. `) +
    `What varied: closed-model concurrency ${audited.levels.map((l) => l.concurrency).join(', ')} (whole sessions, no API traffic beside them: the sweep has none). ` +
    `"100+ concurrent sessions" cannot run on the audited configuration: its session cap of ${audited.cap} admits at most ${audited.cap} at once and queues the rest in start(); ` +
    `the sweep's top level is ${top}. The clock is compressed (timeScale ${input.timeScale}), so level N offers the DB the statement rate of about N/${input.timeScale} real sessions (${equivalent}); ` +
    `statement times are taken by the engine's tracer in this process, so they include event-loop delay (shown per level), and under a provider limit the sessions/s, hence the DB load, stay pinned by the preset.`;
  return checkClaim('C32', value, {
    summary,
    method:
      `${input.method} C32: every statement's execution time (engine query tracer, after the pool handed over a connection) per level of the audited sweep; ` +
      `the value is the lowest level whose p95 is >= 2x the p95 at the sweep's lowest level.`,
  });
}
