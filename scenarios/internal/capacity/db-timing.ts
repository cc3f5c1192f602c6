import type { Engine } from '../../../engine/index.js';

/** The DB side of one level: every statement the engine ran, as its tracer saw it. */
export interface DbTiming {
  statements: number;
  /** Statement execution time (after a connection was acquired), ms. */
  statementP50Ms: number;
  statementP95Ms: number;
  /** Statements per wall second over the level. */
  statementsPerS: number;
}

/** Nearest-rank percentile of an ascending list; 0 for an empty one. */
function rank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * Times every statement of a level through the engine's query tracer (the capacity engines have no
 * other tracer). The tracer's duration starts after the pool handed over a connection, so pool
 * waits are not in it (they are the pool's acquire-wait histogram); it does include the time the
 * reply waited for this process's event loop, which is why each level also records its event-loop p99.
 */
export function timeStatements(engine: Engine): { stop(): DbTiming } {
  const durations: number[] = [];
  const t0 = performance.now();
  engine.db.setTracer((t) => {
    durations.push(t.durationMs);
  });
  return {
    stop() {
      engine.db.setTracer(undefined);
      const wallS = (performance.now() - t0) / 1_000;
      const sorted = durations.sort((a, b) => a - b);
      return {
        statements: sorted.length,
        statementP50Ms: rank(sorted, 0.5),
        statementP95Ms: rank(sorted, 0.95),
        statementsPerS: wallS > 0 ? sorted.length / wallS : 0,
      };
    },
  };
}
