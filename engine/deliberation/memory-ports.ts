import type { CheckpointPort, ContributionRecord, DeliberationPorts, LlmPort, SessionProgress } from './ports.js';
import type { DeliberationState } from './state.js';

export interface MemoryPorts extends DeliberationPorts {
  readonly emitted: { sessionId: string; type: string; data: Record<string, unknown> }[];
  readonly saved: ContributionRecord[];
  readonly progressUpdates: { sessionId: string; progress: SessionProgress }[];
  /** A copy of the state at every step boundary, in order. */
  readonly checkpointed: DeliberationState[];
  readonly checkpoints: CheckpointPort;
}

/**
 * In-memory adapters for every port except the LLM, which stays the real client over the msw mock
 * (the wire is the only thing faked). Used by unit tests and the bench's heap measurement.
 */
export function createMemoryPorts(llm: LlmPort, options: { keep?: boolean } = {}): MemoryPorts {
  const keep = options.keep ?? true;
  const emitted: MemoryPorts['emitted'] = [];
  const saved: ContributionRecord[] = [];
  const progressUpdates: MemoryPorts['progressUpdates'] = [];
  const checkpointed: DeliberationState[] = [];
  return {
    llm,
    emitted,
    saved,
    progressUpdates,
    checkpointed,
    checkpoints: {
      save: async (_sessionId, state) => {
        if (keep) checkpointed.push(structuredClone(state));
      },
    },
    events: {
      emit: async (sessionId, type, data) => {
        if (keep) emitted.push({ sessionId, type, data });
      },
    },
    contributions: {
      save: async (c) => {
        if (keep) saved.push(c);
      },
    },
    progress: {
      update: async (sessionId, progress) => {
        if (keep) progressUpdates.push({ sessionId, progress });
      },
    },
  };
}
