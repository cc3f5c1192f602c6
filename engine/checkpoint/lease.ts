import type { Redis } from 'ioredis';

/** What a lease says: which engine instance runs the session, and when it last said so. */
export interface LeaseValue {
  readonly owner: string;
  readonly at: number;
}

export type LeaseState =
  | { readonly kind: 'fresh'; readonly owner: string }
  | { readonly kind: 'stale' | 'absent' }
  | { readonly kind: 'unknown'; readonly reason: string };

export const leaseKey = (prefix: string, sessionId: string): string => `${prefix}session_lease:${sessionId}`;

/**
 * Judges a lease with the reader's clock: older than `leaseMs` means its engine stopped renewing
 * it (dead or partitioned away). The Redis TTL only cleans up; it is several leases long so the
 * judgement never depends on Redis expiring the key on time.
 */
export function judgeLease(raw: string | null, now: number, leaseMs: number): LeaseState {
  if (raw === null) return { kind: 'absent' };
  try {
    const v = JSON.parse(raw) as Partial<LeaseValue>;
    if (typeof v.owner !== 'string' || typeof v.at !== 'number') return { kind: 'stale' };
    return now - v.at > leaseMs ? { kind: 'stale' } : { kind: 'fresh', owner: v.owner };
  } catch {
    return { kind: 'stale' };
  }
}

/**
 * Leases of the sessions this engine runs, renewed together every leaseMs / 3 in one pipeline.
 * A resume elsewhere waits until the lease is stale, so two engines never run one session.
 */
export class Leases {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(sessionId: string): Promise<void> {
    this.held.add(sessionId);
    this.timer ??= setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3))).unref();
    await this.renew([sessionId]);
  }

  async release(sessionId: string): Promise<void> {
    this.held.delete(sessionId);
    if (this.held.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await this.redis.del(leaseKey(this.prefix, sessionId)).catch(() => undefined);
  }

  async read(sessionId: string): Promise<LeaseState> {
    try {
      return judgeLease(await this.redis.get(leaseKey(this.prefix, sessionId)), this.now(), this.leaseMs);
    } catch (err) {
      return { kind: 'unknown', reason: (err as Error).message };
    }
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Best effort: a Redis outage shows as stale leases elsewhere only once it outlasts leaseMs. */
  private async renew(ids: readonly string[] = [...this.held]): Promise<void> {
    if (ids.length === 0) return;
    const value = JSON.stringify({ owner: this.owner, at: this.now() } satisfies LeaseValue);
    const p = this.redis.pipeline();
    for (const id of ids) p.set(leaseKey(this.prefix, id), value, 'PX', this.leaseMs * 4);
    await p.exec().catch(() => undefined);
  }
}
