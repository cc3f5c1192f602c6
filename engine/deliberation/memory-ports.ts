import type { ContributionRecord, DeliberationPorts, LlmPort, SessionProgress } from './ports.js';

export interface MemoryPorts extends DeliberationPorts {
  readonly emitted: { sessionId: string; type: string; data: Record<string, unknown> }[];
  readonly saved: ContributionRecord[];
  readonly progressUpdates: { sessionId: string; progress: SessionProgress }[];
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
  return {
    llm,
    emitted,
    saved,
    progressUpdates,
    events: { emit: async (sessionId, type, data) => { if (keep) emitted.push({ sessionId, type, data }); } },
    contributions: { save: async (c) => { if (keep) saved.push(c); } },
    progress: { update: async (sessionId, progress) => { if (keep) progressUpdates.push({ sessionId, progress }); } },
  };
}
