import type { RedisHandle } from '../harness/infra/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { recordAudited } from './internal/redis-failover/audited.js';
import { judgeC29 } from './internal/redis-failover/claim.js';
import { recordOptimized } from './internal/redis-failover/optimized.js';
import type { FailoverVariant, RedisFailoverParams } from './internal/redis-failover/params.js';
import { runFailoverVariant, type FailoverRun } from './internal/redis-failover/variant.js';

export type { RedisFailoverParams } from './internal/redis-failover/params.js';

const CI: RedisFailoverParams = {
  sessions: 5,
  // Fewer audited sessions: every kill point still finds events flowing, for little added time.
  auditedSessions: 3,
  concurrentVariants: true,
  killPoints: ['round', 'event-flush', 'cost-flush'],
  outageMs: 500,
  settleMs: 300,
  triggerTimeoutMs: 3_000,
  sseRecheckMs: 500,
  reconnectMaxMs: 500,
  mockProfile: 'realistic',
  timeScale: 0.15,
  sampleMs: 100,
};

export const redisFailoverScenario = defineScenario<RedisFailoverParams>({
  name: 'redis-failover',
  title:
    'Redis SIGKILLed mid-session (round, event flush, cost flush), audited and optimized engines: lost or duplicated events and cost records',
  auditRef: '§4.3; §7.1; §9 scenario 4',
  profiles: {
    ci: CI,
    // Larger profiles run the variants one after the other, so neither's recovery times carry the other's load.
    default: { ...CI, sessions: 10, auditedSessions: 10, concurrentVariants: false, outageMs: 2_000, timeScale: 0.3 },
    full: {
      ...CI,
      sessions: 20,
      auditedSessions: 20,
      concurrentVariants: false,
      outageMs: 5_000,
      settleMs: 1_000,
      sseRecheckMs: 5_000,
      reconnectMaxMs: 2_000,
      timeScale: 0.5,
    },
  },
  budgets: {
    // Optimized variant. §9 scenario 4: nothing the engine accepted may be lost or stored twice (exit 4 as well).
    'failover.events.lost': { max: 0 },
    'failover.events.duplicated': { max: 0 },
    'failover.costs.lost': { max: 0 },
    'failover.costs.duplicated': { max: 0 },
    // Sessions survive a Redis outage (Redis is a cache and fan-out, not the system of record).
    'failover.sessions.failed': { max: 0 },
    // A client sees every event once (no holes, no repeats) across fallback to polling and resume.
    'failover.sse.duplicates': { max: 0 },
    'failover.sse.missing': { max: 0 },
    // Publishing to Redis resumes within a few reconnect periods of the restart (backoff cap 500 ms in ci).
    'failover.recovery.publishMs': { max: '< 3000ms' },
    // Audited variant: its losses are findings (and C29's verdict), never budgets. Only the oracle
    // is held to account: its expected rows must be what count(*) finds.
    'failover.audited.oracle.sqlMismatch': { max: 0 },
  },
  timeoutMs: { ci: 60_000 },
  async run(ctx) {
    const p = ctx.params;
    const redis = await ctx.ownedRedis();
    // A redis-server of its own: each variant's kills follow that engine's states, not the other's.
    const auditedRedis = await ctx.infra.startOwnedRedis();
    try {
      const one = (v: FailoverVariant, r: RedisHandle): Promise<FailoverRun> => runFailoverVariant(ctx, v, r);
      let audited: FailoverRun;
      let optimized: FailoverRun;
      if (p.concurrentVariants) {
        // Both settle before either failure is thrown, so neither engine is left running.
        const [a, o] = await Promise.allSettled([one('audited', auditedRedis), one('optimized', redis)]);
        if (a.status === 'rejected') throw a.reason;
        if (o.status === 'rejected') throw o.reason;
        [audited, optimized] = [a.value, o.value];
      } else {
        audited = await one('audited', auditedRedis);
        optimized = await one('optimized', redis);
      }
      recordOptimized(ctx, optimized);
      recordAudited(ctx, audited);
      judgeC29(ctx, audited, optimized);
    } finally {
      await auditedRedis.stop().catch(() => undefined);
    }
  },
});
