import type { Redis } from 'ioredis';
import type { EngineConfig } from './config/index.js';
import type { SessionEventInput, SessionEventRepository } from './db/index.js';
import type { Logger } from './log/index.js';

/**
 * Interim event path used by createEngine until engine/events (EventPublisher) lands; same
 * contract: per-session sequence, envelope, best-effort Redis history + pub/sub, batched
 * persistence to session_events that never drops an event (failed batches are retried; inserts
 * are idempotent on (session_id, sequence, created_at), so a retry never duplicates).
 */
export interface InterimEvents {
  publish(sessionId: string, type: string, data: Record<string, unknown>): Promise<void>;
  flushSession(sessionId: string): Promise<void>;
  forget(sessionId: string): void;
  stats(): { emitted: number; persisted: number; pending: number; redisFailures: number };
  close(): Promise<void>;
}

// §7.2 CRITICAL priority: flush the buffer and persist before returning.
const CRITICAL = new Set(['error', 'synthesis_complete', 'meeting_complete', 'meta_synthesis_complete', 'facilitator_decision', 'complete']);
const RETRY_MS = 250;

export function createInterimEvents(o: { repository: SessionEventRepository; redis: Redis; config: EngineConfig['events']; redisKeyPrefix: string; logger: Logger }): InterimEvents {
  const seq = new Map<string, number>();
  let buffer: SessionEventInput[] = [];
  const n = { emitted: 0, persisted: 0, redisFailures: 0 };
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const schedule = (ms: number) => {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flushAll();
    }, ms);
    timer.unref();
  };

  async function flushOnce(): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, o.config.batchSize);
      try {
        await o.repository.saveBatch(batch);
        buffer = buffer.slice(batch.length);
        n.persisted += batch.length;
      } catch (err) {
        o.logger.warn({ err: err instanceof Error ? err.message : String(err), pending: buffer.length }, 'event batch insert failed; will retry');
        schedule(RETRY_MS);
        return;
      }
    }
  }

  function flushAll(): Promise<void> {
    chain = chain.then(flushOnce, flushOnce);
    return chain;
  }

  return {
    async publish(sessionId, type, data) {
      const sequence = (seq.get(sessionId) ?? 0) + 1;
      seq.set(sessionId, sequence);
      const createdAt = new Date();
      const envelope = { event_type: type, session_id: sessionId, sequence, timestamp: createdAt.toISOString(), data };
      n.emitted++;
      if (o.redis.status === 'ready') {
        const json = JSON.stringify(envelope);
        const key = `${o.redisKeyPrefix}events_history:${sessionId}`;
        o.redis.pipeline().rpush(key, json).expire(key, o.config.historyTtlSeconds).publish(`${o.redisKeyPrefix}events:${sessionId}`, json).exec()
          .catch(() => { n.redisFailures++; });
      } else {
        n.redisFailures++;
      }
      buffer.push({ sessionId, eventType: type, sequence, data: envelope, createdAt });
      if (CRITICAL.has(type)) await flushAll();
      else if (buffer.length >= o.config.batchSize) void flushAll();
      else schedule(o.config.batchWindowMs);
    },
    flushSession: () => flushAll(),
    forget: (sessionId) => { seq.delete(sessionId); },
    stats: () => ({ ...n, pending: buffer.length }),
    async close() {
      const deadline = Date.now() + 30_000;
      while (buffer.length > 0 && Date.now() < deadline) {
        await flushAll();
        if (buffer.length > 0) await new Promise((r) => setTimeout(r, RETRY_MS));
      }
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
