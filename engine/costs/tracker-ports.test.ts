import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/index.js';
import type { ApiCostInput, CostRepository } from '../db/index.js';
import { CostTracker, type CostQueueRedis } from './index.js';

/**
 * CostTracker against fakes of its two ports (no I/O): the orderings these tests need (which
 * chunk of a flush fails first) cannot be forced against real servers.
 */
const call = {
  provider: 'anthropic' as const,
  operationType: 'completion',
  modelName: 'haiku',
  sessionId: 's1',
  inputTokens: 10,
  outputTokens: 2,
};
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A repository that fails while `down`, each call later than the one before (call n after n×10 ms). */
function fakeRepository(): { repo: CostRepository; down: boolean; saved: ApiCostInput[] } {
  let calls = 0;
  const state = { down: true, saved: [] as ApiCostInput[], repo: undefined as unknown as CostRepository };
  const insertBatch = async (records: ApiCostInput[]): Promise<string[]> => {
    const delay = (calls += 1) * 10;
    await wait(delay);
    if (state.down) throw new Error('connection refused');
    state.saved.push(...records);
    return records.map((r) => r.requestId);
  };
  state.repo = { insertBatch } as unknown as CostRepository;
  return state;
}

/** A Redis whose every command fails (down, no offline queue). */
const deadRedis = (): CostQueueRedis => {
  const fail = (): Promise<never> => Promise.reject(new Error('Connection is closed.'));
  return { rpush: fail, llen: fail, lpop: fail, lrange: fail, on: () => undefined, off: () => undefined };
};

describe('CostTracker eviction order (PostgreSQL and Redis down)', () => {
  it('drops the oldest records even when the chunks of one flush fail in order (first chunk first)', async () => {
    const cfg = resolveConfig({ costs: { timerFlush: false, drainLoop: false } });
    const f = fakeRepository();
    const t = new CostTracker({ repository: f.repo, redis: deadRedis(), config: cfg.costs });
    const ids: string[] = [];
    // 300 records: the first 100 go out in a flush that fails; the buffer then caps at 200.
    for (let i = 0; i < 300; i++) ids.push(t.track(call).requestId);
    // Poll for the failed first flush (a fixed sleep would race a slow machine).
    for (let i = 0; i < 400 && t.accounting().evicted < 100; i++) await wait(5);
    expect(t.accounting()).toMatchObject({ buffered: 200, evicted: 100 });
    // A two-chunk flush whose first chunk fails before the second; 50 newer records arrive meanwhile.
    const flushing = t.flush();
    for (let i = 0; i < 50; i++) ids.push(t.track(call).requestId);
    await flushing;
    expect(t.accounting()).toMatchObject({ generated: 350, buffered: 200, evicted: 150 });
    f.down = false;
    await t.flush();
    expect(f.saved.map((r) => r.requestId)).toEqual(ids.slice(150));
    await t.close();
  });
});
