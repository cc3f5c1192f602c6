import { ts } from '../format.js';
import { sessionPlans, type SessionPlan } from '../plan.js';
import { KIND, rngFrom, type Rng } from '../prng.js';
import type { TableSpec } from './spec.js';

const FILLER = ['expert_thinking', 'progress_update', 'cost_update', 'token_usage'] as const;

/**
 * The session's event types in order. Counter events match the session row: one
 * `subproblem_started` per focus area, one `persona_selected` per expert, one `contribution`
 * per contributions row. Filler events bring the total to the planned count (30-70).
 */
function eventTypes(s: SessionPlan, r: Rng): string[] {
  const types: string[] = ['session_started', 'decomposition_complete'];
  for (let i = 0; i < s.subProblems; i++) types.push('subproblem_started');
  for (let i = 0; i < s.personas.length; i++) types.push('persona_selected');
  for (let round = 1; round <= s.rounds; round++) {
    types.push('round_started');
    for (let i = 0; i < s.personas.length; i++) types.push('contribution');
    types.push('round_summary', 'convergence_check');
  }
  if (s.status === 'completed') types.push('voting_complete', 'synthesis_complete', 'session_complete');
  else types.push(s.status === 'failed' ? 'error' : s.status === 'killed' ? 'session_killed' : 'status_changed');
  // Fillers go between the structural events, never before the start or after the end.
  while (types.length < s.events) types.splice(1 + Math.floor(r.next() * (types.length - 1)), 0, r.pick(FILLER));
  return types;
}

/**
 * session_events: the published envelope as bo1 persists it (data = the whole event, minus its
 * timestamp: created_at holds it, and a unique value per row would triple the GIN index build), sequence
 * 1..n per session, created_at spread in order over the session's lifetime; ids 1..N.
 */
export const sessionEvents: TableSpec = {
  table: 'session_events',
  columns: ['id', 'session_id', 'event_type', 'sequence', 'data', 'user_id', 'created_at', 'updated_at'],
  *rows(ctx) {
    let id = 0;
    for (const s of sessionPlans(ctx)) {
      const r = rngFrom(ctx.seed, KIND.events, s.k);
      const types = eventTypes(s, r);
      const n = types.length;
      const span = s.endMs - s.createdMs;
      let round = 0;
      let expert = 0;
      for (let i = 0; i < n; i++) {
        const type = types[i] as string;
        // First event at the creation instant; each later one inside its own slot of the lifetime.
        const at = ts(s.createdMs + (i === 0 ? 0 : Math.floor((span * (i + 0.9 * r.next())) / n)));
        let payload: string;
        if (type === 'round_started') {
          round++;
          expert = 0;
          payload = `{"round": ${round}}`;
        } else if (type === 'contribution') {
          payload = `{"round": ${round}, "persona_code": "${s.personas[expert++ % s.personas.length] as string}", "tokens": ${r.int(300, 900)}}`;
        } else if (type === 'persona_selected') {
          payload = `{"persona_code": "${s.personas[expert++ % s.personas.length] as string}"}`;
          if (expert === s.personas.length) expert = 0;
        } else {
          payload = `{"progress": ${Math.round((100 * i) / n)}}`;
        }
        yield `${++id}\t${s.id}\t${type}\t${i + 1}\t{"event_type": "${type}", "session_id": "${s.id}", "sequence": ${i + 1}, "data": ${payload}}\t${s.userId}\t${at}\t${at}\n`;
      }
    }
  },
};
