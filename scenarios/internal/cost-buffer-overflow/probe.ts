import type { Redis } from 'ioredis';
import type { CostAccounting, CostTracker } from '../../../engine/costs/index.js';
import type { TimePoint, TimeSeries } from '../../../harness/result/index.js';

/** One violation of generated = persisted + queued + buffered + evicted + lostInRetryQueue, with where it was seen. */
export interface InvariantViolation {
  t: number;
  where: string;
  accounting: CostAccounting;
}

const TERMS = ['generated', 'persisted', 'queued', 'buffered', 'evicted', 'lostInRetryQueue'] as const;

/**
 * Watches a CostTracker: checks the accounting identity at every sample (timer ticks and each
 * `check()` call from the workload), keeps a time series per term plus the retry-list length as
 * Redis itself reports it (read through a direct connection, so a proxy outage between the
 * tracker and Redis does not blind the observer), and the heap.
 */
export class AccountingProbe {
  readonly violations: InvariantViolation[] = [];
  samples = 0;
  peakBuffered = 0;
  private readonly series = new Map<string, TimePoint[]>();
  private timer: NodeJS.Timeout | undefined;
  private llenBusy = false;

  constructor(
    private readonly tracker: CostTracker,
    private readonly observer: Redis,
    private readonly queueKey: string,
    private readonly now: () => number,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks the identity now (synchronous: the workload calls it after every record). */
  check(where: string): CostAccounting {
    const a = this.tracker.accounting();
    this.samples += 1;
    if (a.generated !== a.persisted + a.queued + a.buffered + a.evicted + a.lostInRetryQueue)
      this.violations.push({ t: Math.round(this.now()), where, accounting: a });
    if (a.buffered > this.peakBuffered) this.peakBuffered = a.buffered;
    return a;
  }

  /** The retry list's real length (null when Redis cannot be reached). */
  async queueLength(): Promise<number | null> {
    return this.observer.llen(this.queueKey).catch(() => null);
  }

  timeSeries(): TimeSeries[] {
    return [...this.series.entries()].map(([name, points]) => ({ name, unit: name === 'heapUsed' ? 'bytes' : 'count', points }));
  }

  private push(name: string, t: number, value: number): void {
    const points = this.series.get(name) ?? [];
    points.push({ t, value });
    this.series.set(name, points);
  }

  private tick(): void {
    const t = Math.round(this.now());
    const a = this.check('sampler');
    for (const term of TERMS) this.push(term, t, a[term]);
    this.push('heapUsed', t, process.memoryUsage().heapUsed);
    if (this.llenBusy) return;
    this.llenBusy = true;
    void this.queueLength().then((n) => {
      this.llenBusy = false;
      if (n !== null) this.push('retryQueueLength', t, n);
    });
  }
}
