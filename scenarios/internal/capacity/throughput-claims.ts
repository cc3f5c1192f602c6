import { checkClaim } from '../../../harness/audit/index.js';
import type { Claim } from '../../../harness/result/index.js';
import { fmtMs } from '../llm-mock/index.js';
import { mixText } from './subproblem-draw.js';
import { sessionTimeEnds, type Observed } from './sustained-claim.js';
import type { SweepFigures } from './sweep-figures.js';

type NewClaim = Omit<Claim, 'scenario'>;

const fmt = (x: number | null, digits: number) => (x === null ? 'n/a' : x.toFixed(digits));
const perDayText = (x: number | null) => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));

/** "the audited variant without provider limits (levels 5; sub-problems drawn ...)" */
function who(f: SweepFigures): string {
  return `the ${f.sweep.variant} variant without provider limits (levels ${f.levels.map((l) => l.concurrency).join(', ')}; ${mixText(f.mix)})`;
}

/**
 * C26, C27, C28 and C30 from the claims sweep (the audited variant without provider limits, the
 * system the audit describes), each with the optimized sweep's figure beside it as "optimized: ...".
 * `claims` is the optimized sweep itself when no audited sweep without limits ran.
 */
export function throughputClaims(
  claims: SweepFigures,
  optimized: SweepFigures | undefined,
  input: { cap: number; method: string; observed: Observed | undefined },
): NewClaim[] {
  const { cap } = input;
  const beside = optimized !== undefined && optimized !== claims ? optimized : undefined;
  const also = (text: (o: SweepFigures) => string) => (beside === undefined ? '' : ` Optimized: ${text(beside)}.`);
  const top = claims.top;
  const p50 = top?.latencyP50Ms ?? null;
  const obs = input.observed ?? { llmP50S: null, rounds: claims.mix.roundsMean, subProblems: claims.mix.mean, drawn: claims.mix.drawn };
  const constants = (id: string, value: number | null, kind: 'throughput' | 'duration') => sessionTimeEnds(id, value, obs, kind);
  const model =
    ` Constant ends, modelled: session time proportional to LLM call p50 (${obs.llmP50S === null ? 'n/a' : `${obs.llmP50S.toFixed(1)} s real`} in the top level's api_costs) ` +
    `x executed rounds per sub-problem (${obs.rounds === null ? 'n/a' : obs.rounds.toFixed(1)}) x sub-problems per session (${obs.subProblems === null ? 'n/a' : obs.subProblems.toFixed(2)}), ` +
    `each scaled to its catalogue end with the others held (an upper bound on the sensitivity: it scales the whole session).`;
  const method = `${input.method}${model}`;
  return [
    checkClaim('C26', claims.throughput.value, {
      summary:
        `${fmt(claims.throughput.value, 3)} sessions/s at the cap of ${cap} for ${who(claims)}: ${claims.throughput.how}; levels ${claims.levelRows}. ` +
        `With no bottleneck in the engine a closed sweep follows X = N / W: the audit's 0.83/s assumed 60 s sessions.` +
        also((o) => `${fmt(o.throughput.value, 3)} sessions/s at the cap (${o.throughput.how}); ${mixText(o.mix)}; levels ${o.levelRows}`),
      method,
      constants: constants('C26', claims.throughput.value, 'throughput'),
    }),
    checkClaim('C27', claims.perDay.value, {
      summary:
        `${perDayText(claims.perDay.value)} sessions/day for ${who(claims)}, ${claims.perDay.how}.` +
        also((o) => `${perDayText(o.perDay.value)} sessions/day ${o.perDay.how}; ${mixText(o.mix)}`),
      method,
      constants: constants('C27', claims.perDay.value, 'throughput'),
    }),
    checkClaim('C28', p50 === null ? null : p50 / 1_000, {
      summary:
        `session duration p50 ${p50 === null ? 'n/a' : fmtMs(p50)} (real time) at ${top?.concurrency ?? '?'} concurrent sessions for ${who(claims)}; ` +
        `per level ${claims.levels.map((l) => `${l.concurrency}: ${fmtMs(l.latencyP50Ms)}`).join(', ')}; ` +
        `p50 by executed sub-problems at that level (sessions): ${claims.p50BySubProblems || 'n/a'}.` +
        also(
          (o) =>
            `p50 ${o.top === undefined ? 'n/a' : fmtMs(o.top.latencyP50Ms)} at ${o.top?.concurrency ?? '?'} concurrent; per level ${o.levels.map((l) => fmtMs(l.latencyP50Ms)).join(', ')}; ${mixText(o.mix)}`,
        ),
      method,
      constants: constants('C28', p50 === null ? null : p50 / 1_000, 'duration'),
    }),
    checkClaim('C30', claims.inflightAtCap.value, {
      summary:
        `peak in-flight LLM calls at ${cap} sessions: ${fmt(claims.inflightAtCap.value, 0)} (${claims.inflightAtCap.how}) for ${who(claims)}; ` +
        `per level ${claims.inflight.map((f) => `${f.n}: ${f.peak}`).join(', ')}. Rounds run one after another, so "x 6 rounds" never happens at once: ` +
        `the bound is sessions x sub-problems x experts per round (<= 4).` +
        also(
          (o) =>
            `${fmt(o.inflightAtCap.value, 0)} at ${cap} (${o.inflightAtCap.how}); per level ${o.inflight.map((f) => `${f.n}: ${f.peak}`).join(', ')}; ${mixText(o.mix)}`,
        ),
      method: `${input.method} In-flight = peak overlap of [created_at - latency_ms, created_at] of the Anthropic attempts' cost records (api_costs) within each level's window.`,
    }),
  ];
}
