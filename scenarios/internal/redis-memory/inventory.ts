import type { Redis } from 'ioredis';

/** One key pattern's share of Redis after the sessions: keys, bytes (MEMORY USAGE) and TTL classes. */
export interface KeyGroup {
  pattern: string;
  keys: number;
  bytes: number;
  /** Bytes in keys that will be gone within `shortTtlSeconds` (terminal cleanup, 1 h in bo1). */
  bytesShortTtl: number;
  /** Bytes in keys with a long TTL (7 d) or none: still resident after the terminal cleanup. */
  bytesLongLived: number;
  /** True when the key names carry a session id (counted per session). */
  perSession: boolean;
  /** Elements held (list, hash, set, sorted-set lengths; 1 per string key): events_history's are events. */
  items: number;
  /** Longest remaining TTL among the group's keys in seconds, Infinity when one has none: how long the group outlives its session. */
  maxTtlSeconds: number;
  /** Bytes by session id (per-session groups only), so a component's spread across sessions can be shown. */
  bySession: Map<string, number>;
}

const SESSION_ID = /bo1_[0-9a-f-]{36}/gi;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HASH = /\b[0-9a-f]{16,}\b/gi;

/** `metadata:bo1_<uuid>` → `metadata:{session}`; hashes and uuids folded so keys group by pattern. */
export function keyPattern(key: string, prefix: string, userIds: readonly string[]): string {
  let k = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  k = k.replace(SESSION_ID, '{session}').replace(UUID, '{uuid}').replace(HASH, '{hash}');
  for (const u of userIds) k = k.split(u).join('{user}');
  return k;
}

/** The session id a key is named after, if any. */
export function sessionOf(key: string): string | undefined {
  return key.match(SESSION_ID)?.[0];
}

/** used_memory and used_memory_dataset from INFO memory. */
export async function usedMemory(redis: Redis): Promise<{ used: number; dataset: number }> {
  const info = await redis.info('memory');
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { used: field('used_memory'), dataset: field('used_memory_dataset') };
}

type Pipeline = ReturnType<Redis['pipeline']>;

/** Queues the length command of a collection type; false for strings (and anything else), which count as one element. */
function queueLength(pipe: Pipeline, type: string, key: string): boolean {
  if (type === 'list') pipe.llen(key);
  else if (type === 'hash') pipe.hlen(key);
  else if (type === 'set') pipe.scard(key);
  else if (type === 'zset') pipe.zcard(key);
  else return false;
  return true;
}

/**
 * SCANs every key under `prefix` and groups MEMORY USAGE (SAMPLES 0: exact for lists) by pattern,
 * splitting each group by TTL class. Pipelined per SCAN page: MEMORY USAGE, TTL and TYPE, then
 * the collection lengths.
 */
export async function inventory(
  redis: Redis,
  o: { prefix: string; userIds: readonly string[]; shortTtlSeconds: number },
): Promise<KeyGroup[]> {
  const groups = new Map<string, KeyGroup>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${o.prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length === 0) continue;
    const pipe = redis.pipeline();
    for (const k of keys) pipe.call('MEMORY', 'USAGE', k, 'SAMPLES', '0').ttl(k).type(k);
    const res = (await pipe.exec()) ?? [];
    const types = keys.map((_, i) => String(res[3 * i + 2]?.[1] ?? 'none'));
    const lengths = redis.pipeline();
    const counted = keys.map((k, i) => queueLength(lengths, types[i]!, k));
    const lres = counted.some(Boolean) ? ((await lengths.exec()) ?? []) : [];
    let l = 0;
    keys.forEach((key, i) => {
      const bytes = Number(res[3 * i]?.[1] ?? 0);
      const ttl = Number(res[3 * i + 1]?.[1] ?? -2);
      const items = counted[i] ? Number(lres[l++]?.[1] ?? 0) : 1;
      if (ttl === -2) return; // expired between SCAN and MEMORY USAGE
      const pattern = keyPattern(key, o.prefix, o.userIds);
      const g = groups.get(pattern) ?? {
        pattern,
        keys: 0,
        bytes: 0,
        bytesShortTtl: 0,
        bytesLongLived: 0,
        perSession: pattern.includes('{session}'),
        items: 0,
        maxTtlSeconds: 0,
        bySession: new Map<string, number>(),
      };
      g.keys += 1;
      g.bytes += bytes;
      g.items += items;
      g.maxTtlSeconds = Math.max(g.maxTtlSeconds, ttl === -1 ? Number.POSITIVE_INFINITY : ttl);
      if (ttl >= 0 && ttl <= o.shortTtlSeconds) g.bytesShortTtl += bytes;
      else g.bytesLongLived += bytes;
      const session = g.perSession ? sessionOf(key) : undefined;
      if (session !== undefined) g.bySession.set(session, (g.bySession.get(session) ?? 0) + bytes);
      groups.set(pattern, g);
    });
  } while (cursor !== '0');
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}
