import type { Engine } from '../../../engine/index.js';
import type { TimePoint, TimeSeries } from '../../../harness/result/index.js';
import type { ClientFleet } from './clients.js';

/**
 * Samples, every `intervalMs`: the share of events whose Redis step failed, p95 client delivery
 * latency, deliveries per second, clients on PostgreSQL polling, cost records queued/in memory.
 */
export class FailoverSampler {
  private readonly points = new Map<string, TimePoint[]>();
  private timer: NodeJS.Timeout | undefined;
  private last = { emitted: 0, failures: 0, deliveries: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly fleet: ClientFleet,
    private readonly t0: number,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.tick(intervalMs), intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  raw(name: string): TimePoint[] {
    return this.points.get(name) ?? [];
  }

  series(): TimeSeries[] {
    const unit = (n: string): TimeSeries['unit'] =>
      n === 'deliveryP95' ? 'ms' : n === 'redisErrorRate' ? 'ratio' : n === 'deliveriesPerSec' ? 'ops/s' : 'count';
    return [...this.points.entries()].map(([name, points]) => ({ name, unit: unit(name), points }));
  }

  private push(name: string, t: number, value: number): void {
    const p = this.points.get(name) ?? [];
    p.push({ t, value });
    this.points.set(name, p);
  }

  private tick(intervalMs: number): void {
    const now = performance.now();
    const t = Math.round(now - this.t0);
    const ev = this.engine.events.counters();
    const emitted = ev.emitted - this.last.emitted;
    const failures = ev.redisFailures - this.last.failures;
    const fresh = this.fleet.deliveries.slice(this.last.deliveries);
    this.last = { emitted: ev.emitted, failures: ev.redisFailures, deliveries: this.fleet.deliveries.length };
    this.push('redisErrorRate', t, emitted === 0 ? 0 : failures / emitted);
    this.push('eventsEmitted', t, emitted);
    this.push('redisFailures', t, failures);
    const lat = fresh.map((d) => d.latencyMs).sort((a, b) => a - b);
    if (lat.length > 0) this.push('deliveryP95', t, lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.95))]!);
    this.push('deliveriesPerSec', t, (fresh.length * 1000) / intervalMs);
    this.push('clientsPolling', t, this.fleet.polling());
    this.push('eventBacklog', t, ev.backlog);
    const c = this.engine.costs.accounting();
    this.push('costsQueued', t, c.queued);
    this.push('costsBuffered', t, c.buffered);
  }
}
