import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createEngine, type Engine } from '../../../engine/index.js';
import {
  findPgbouncer,
  pgbouncerTracksPrepared,
  pgbouncerVersion,
  startPgbouncer,
  type PgbouncerHandle,
} from '../../../harness/infra/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import type { TierSpec } from './tiers.js';

export const TIER_SYSTEM_DEFAULTS = {
  /**
   * PostgreSQL connections the pooler may open for the scenario's database: the audited pool of 20
   * (§6.2 puts the pooler in front of a pool of 150 so that PostgreSQL keeps a small, fixed number
   * of backends however many engine clients there are).
   */
  pgbouncerPoolSize: 20,
  /** Client connections PgBouncer accepts: the tier's engine pool plus the scenario's own probes. */
  pgbouncerClientHeadroom: 50,
} as const;

/** What stands between the engine and PostgreSQL in this run. */
export interface PoolerInfo {
  kind: 'pgbouncer' | 'none';
  /** Why there is none when the tier asks for one (not installed, or not asked for). */
  reason?: string;
  version?: string;
  poolMode?: string;
  serverPoolSize?: number;
  /** Whether this PgBouncer keeps protocol-level prepared statements working in transaction mode (>= 1.21). */
  tracksPrepared?: boolean;
}

export interface TierSystem {
  engine: Engine;
  databaseName: string;
  /** The scenario database, straight to PostgreSQL (for probes that must bypass the pooler). */
  directUrl: string;
  pooler: PoolerInfo;
  bouncer?: PgbouncerHandle;
  /** statement_timeout the engine's connections actually run with (SHOW through its own pool). */
  statementTimeoutSeen: string;
  pgStatStatementsAvailable: boolean;
  close(): Promise<void>;
}

/**
 * The tier's system: a fresh database with the tier's optimisations, a PgBouncer child in
 * transaction mode in front of it when the tier has one and pgbouncer is installed, and the
 * audited engine with the tier's session cap, pool and provider limits.
 */
export async function startTierSystem(
  ctx: ScenarioContext<unknown>,
  spec: TierSpec,
  input: { timeScale: number; subProblems: number; redisUrl: string },
): Promise<TierSystem> {
  const db = await ctx.data.database({ label: `capacity-tier${spec.tier}`, optimizations: spec.optimizations, seeded: false });
  let bouncer: PgbouncerHandle | undefined;
  let pooler: PoolerInfo = { kind: 'none', reason: 'the tier has no connection pooler' };
  if (spec.pooler) {
    if (findPgbouncer() === undefined) {
      pooler = {
        kind: 'none',
        reason:
          'pgbouncer is not installed (PATH, /usr/sbin): the tier ran with the engine connected straight to PostgreSQL; install it (apt-get install pgbouncer) to put the pooler in the path',
      };
    } else {
      const version = pgbouncerVersion();
      bouncer = await startPgbouncer({
        targetUrl: ctx.infra.postgres.adminUrl,
        dir: fs.mkdtempSync(path.join(os.tmpdir(), 'll-tier-bouncer-')),
        poolMode: 'transaction',
        defaultPoolSize: TIER_SYSTEM_DEFAULTS.pgbouncerPoolSize,
        maxClientConn: spec.poolMax + TIER_SYSTEM_DEFAULTS.pgbouncerClientHeadroom,
      });
      pooler = {
        kind: 'pgbouncer',
        poolMode: bouncer.poolMode,
        serverPoolSize: TIER_SYSTEM_DEFAULTS.pgbouncerPoolSize,
        ...(version === null ? {} : { version: version.join('.') }),
        tracksPrepared: pgbouncerTracksPrepared(version),
      };
    }
  }
  try {
    const engine = await createEngine({
      logger: ctx.logger,
      config: ctx.engineConfig({
        variant: 'audited',
        databaseUrl: bouncer === undefined ? db.url : bouncer.urlFor(db.name),
        redisUrl: input.redisUrl,
        redisKeyPrefix: `cap_t${spec.tier}_${crypto.randomBytes(3).toString('hex')}:`,
        sessions: { maxConcurrent: spec.sessionCap },
        // The audited statement mode (psycopg2's simple queries) is also what a transaction-mode
        // pooler without prepared-statement tracking (PgBouncer < 1.21) can carry; it is set here
        // so a change of the variant's default cannot route named statements through the pooler.
        db: { poolMax: spec.poolMax, statementMode: 'simple' },
        llm: { mockProfile: 'realistic', timeScale: input.timeScale, seed: ctx.seed, rateLimits: spec.rateLimits },
        deliberation: { subProblems: input.subProblems },
      }),
    });
    const timeout = await engine.db.query<{ statement_timeout: string }>('SHOW statement_timeout', [], {
      name: 'capacity.tier.statement_timeout',
    });
    const available = await serverHasPgStatStatements(db.url);
    return {
      engine,
      databaseName: db.name,
      directUrl: db.url,
      pooler,
      ...(bouncer === undefined ? {} : { bouncer }),
      statementTimeoutSeen: timeout.rows[0]?.statement_timeout ?? 'unknown',
      pgStatStatementsAvailable: available,
      close: async () => {
        await engine.close();
        await bouncer?.stop();
      },
    };
  } catch (err) {
    await bouncer?.stop();
    throw err;
  }
}

async function serverHasPgStatStatements(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'pg_stat_statements'");
    return Number(r.rows[0]?.n ?? 0) > 0;
  } finally {
    await c.end();
  }
}
