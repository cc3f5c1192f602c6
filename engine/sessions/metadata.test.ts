import { describe, expect, it } from 'vitest';
import type { SessionRepository, SessionStatus } from '../db/index.js';
import { silentLogger } from '../log/index.js';
import { StatusWriter, type SessionMetadataPipeline, type SessionMetadataRedis } from './metadata.js';

/**
 * StatusWriter against a plain in-memory Redis (its port) and a recording repository: which keys
 * get the terminal cleanup TTL, and that both stores see a session's statuses in write order.
 */
function memoryRedis(): { redis: SessionMetadataRedis; values: Map<string, string>; ttls: Map<string, number> } {
  const values = new Map<string, string>();
  const ttls = new Map<string, number>();
  const pipeline = (): SessionMetadataPipeline => {
    const queued: [string, number][] = [];
    const p: SessionMetadataPipeline = {
      expire(key, seconds) {
        queued.push([key, seconds]);
        return p;
      },
      async exec() {
        for (const [key, seconds] of queued) ttls.set(key, seconds);
        return queued.map(() => [null, 1]);
      },
    };
    return p;
  };
  const redis: SessionMetadataRedis = {
    get: async (key) => values.get(key) ?? null,
    async set(key, value, _expiry, seconds) {
      values.set(key, value);
      ttls.set(key, seconds);
      return 'OK';
    },
    pipeline,
  };
  return { redis, values, ttls };
}

describe('StatusWriter (Redis port faked in memory)', () => {
  it('writes statuses in order to both stores, merges the metadata, and shortens the TTLs on a terminal status', async () => {
    const { redis, values, ttls } = memoryRedis();
    const written: SessionStatus[] = [];
    const sessions = {
      updateStatus: async (_id: string, status: SessionStatus) => {
        written.push(status);
        return true;
      },
    } as unknown as SessionRepository;
    const w = new StatusWriter(redis, sessions, 'p:', 3_600, 60, silentLogger());
    void w.write('s1', 'u1', 'running');
    void w.write('s1', 'u1', 'evicting');
    await w.write('s1', 'u1', 'evicted', { evictedBy: 'system' });
    expect(written).toEqual(['running', 'evicting', 'evicted']);
    const meta = await w.read('s1');
    expect(meta).toMatchObject({ session_id: 's1', user_id: 'u1', status: 'evicted', evictedBy: 'system' });
    expect(Object.keys(meta ?? {})).toEqual(expect.arrayContaining(['started_at', 'evicting_at', 'evicted_at']));
    expect(values.has('p:metadata:s1')).toBe(true);
    expect(Object.fromEntries(ttls)).toEqual({ 'p:metadata:s1': 60, 'p:session:s1': 60, 'p:events_history:s1': 60 });
  });
});
