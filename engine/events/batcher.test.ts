import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/index.js';
import type { SessionEventInput, SessionEventRepository } from '../db/index.js';
import { silentLogger } from '../log/index.js';
import { EventBatcher } from './batcher.js';

/** A session_events repository that refuses every write while `down` (PostgreSQL unreachable). */
function fakeRepository(): { repo: SessionEventRepository; state: { down: boolean; saved: number[] } } {
  const state = { down: true, saved: [] as number[] };
  const saveBatch = async (events: SessionEventInput[]): Promise<number> => {
    if (state.down) throw new Error('connection refused');
    state.saved.push(...events.map((e) => e.sequence));
    return events.length;
  };
  return { repo: { saveBatch } as unknown as SessionEventRepository, state };
}

const event = (sequence: number): SessionEventInput => ({
  sessionId: 's',
  eventType: 'working_status',
  sequence,
  data: {},
  createdAt: new Date(),
});

describe('EventBatcher with PostgreSQL down', () => {
  it('holds at most maxPendingEvents, drops the oldest and counts them: emitted = persisted + backlog + dropped', async () => {
    const cfg = resolveConfig({ events: { maxPendingEvents: 100, batchSize: 10 } });
    const { repo, state } = fakeRepository();
    const b = new EventBatcher(repo, cfg.events, silentLogger());
    for (let i = 1; i <= 300; i++) {
      b.add(event(i));
      if (i % 10 === 0) {
        await b.flush();
        expect(b.backlog).toBeLessThanOrEqual(100); // writes settled: the bound holds
      }
      expect(b.persisted + b.backlog + b.dropped).toBe(i);
    }
    expect(b.dropped).toBe(200);
    state.down = false;
    await b.drain(2_000);
    expect(b).toMatchObject({ persisted: 100, backlog: 0, dropped: 200 });
    expect(state.saved).toEqual(Array.from({ length: 100 }, (_, i) => 201 + i));
    b.close();
  });
});
