import type { DeliberationState, StatePart, SubProblemState } from '../../deliberation/index.js';

/** What a checkpoint holds: the state, and where the session's event and cost streams stood then. */
export interface CheckpointRecord {
  readonly state: DeliberationState;
  /** The session's last event sequence when the step ended. */
  readonly sequence: number;
  /** Cost records the session had generated when the step ended (for the redone-work count). */
  readonly costRecords: number;
  readonly writtenAt: string;
}

/** A checkpoint as stored: named parts of JSON text (`all` for the full format). */
export type Parts = Record<string, string>;

export const FULL_PART = 'all';

/** The whole record as one part: what bo1's saver wrote after every node. */
export function encodeFull(record: CheckpointRecord): Parts {
  return { [FULL_PART]: JSON.stringify(record) };
}

/**
 * The session part (everything but the sub-problems) and the changed sub-problems' parts. With
 * `changed` undefined, every part: the first write to a store that may hold nothing yet.
 */
export function encodeParts(record: CheckpointRecord, changed: readonly StatePart[] | undefined): Parts {
  const { subProblems, ...session } = record.state;
  const out: Parts = { session: JSON.stringify({ ...record, state: session }) };
  const wanted = changed ?? Object.keys(subProblems).map((k): StatePart => `sp:${Number(k)}`);
  for (const part of wanted) {
    if (part === 'session') continue;
    const sp = subProblems[part.slice(3)];
    if (sp !== undefined) out[part] = JSON.stringify(sp);
  }
  return out;
}

/** Either format back to a record; undefined when nothing (or nothing readable) is there. */
export function decode(parts: Parts): CheckpointRecord | undefined {
  try {
    const all = parts[FULL_PART];
    if (all !== undefined) return JSON.parse(all) as CheckpointRecord;
    const head = parts['session'];
    if (head === undefined) return undefined;
    const record = JSON.parse(head) as Omit<CheckpointRecord, 'state'> & { state: Omit<DeliberationState, 'subProblems'> };
    const subProblems: Record<string, SubProblemState> = {};
    for (const [name, body] of Object.entries(parts)) {
      if (name.startsWith('sp:')) subProblems[name.slice(3)] = JSON.parse(body) as SubProblemState;
    }
    return { ...record, state: { ...record.state, subProblems } };
  } catch {
    return undefined;
  }
}

export const bytesOf = (parts: Parts): number => {
  let n = 0;
  for (const [k, v] of Object.entries(parts)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
};
