import { Histogram, HISTOGRAM_RANGES, type Recorder } from '../../../harness/metrics/index.js';
import type { StatementMode } from '../../../engine/db/index.js';
import type { HotQuery } from './catalogue.js';
import { seededRandom } from '../../../engine/random/index.js';

export interface MeasureOptions {
  warmup: number;
  rounds: number;
  perRound: number;
  seed: number;
  signal: AbortSignal;
  onRound?: (round: number) => void;
  /** Called once after the warm-up, before the first recorded execution (server statistics reset). */
  onWarm?: () => Promise<void>;
}

/** Per-variant p95 of each round, keyed `query.variant`: the spread behind every ratio. */
export type RoundP95 = Map<string, number[]>;

/** The audited statement mode keeps the plain name (budgets and claims read it); others are suffixed. */
export const AUDITED_MODE: StatementMode = 'simple';
export const metricName = (q: string, v: string, mode: StatementMode = AUDITED_MODE): string =>
  mode === AUDITED_MODE ? `query.${q}.${v}` : `query.${q}.${v}.${mode}`;

const rng = seededRandom;

/** Fisher-Yates with the run's seeded generator, so every run interleaves the same way. */
export function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Runs every variant of every query with the same parameter sequence, interleaved: iteration i
 * runs each query's variants back to back in a shuffled order, so machine noise lands on all of
 * them alike. Latency is the client-side time of the repository call (network, planning,
 * execution, row parsing), recorded into HDR histograms named `query.<query>.<variant>`.
 */
export async function measureInterleaved(queries: readonly HotQuery[], recorder: Recorder, o: MeasureOptions): Promise<RoundP95> {
  const r = rng(o.seed);
  for (const q of queries) for (const v of q.variants) for (let i = 0; i < o.warmup; i++) await v.exec(i);
  await o.onWarm?.();
  const rounds: RoundP95 = new Map();
  for (let round = 0; round < o.rounds; round++) {
    const local = new Map<string, Histogram>();
    for (let k = 0; k < o.perRound; k++) {
      if (o.signal.aborted) throw o.signal.reason;
      const i = round * o.perRound + k;
      for (const q of queries) {
        for (const v of shuffled(q.variants, r)) {
          const name = metricName(q.id, v.id, q.mode);
          const t0 = performance.now();
          await v.exec(i);
          const ms = performance.now() - t0;
          recorder.record(name, ms);
          let h = local.get(name);
          if (h === undefined) {
            h = new Histogram(HISTOGRAM_RANGES.latencyMs);
            local.set(name, h);
          }
          h.record(ms);
        }
      }
    }
    for (const [name, h] of local) rounds.set(name, [...(rounds.get(name) ?? []), h.percentile(95)]);
    o.onRound?.(round + 1);
  }
  return rounds;
}
