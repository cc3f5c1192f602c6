/** §8.4 breaker settings. */
export interface CircuitBreakerOptions {
  failureThreshold: number;
  recoveryTimeoutMs: number;
  successThreshold: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * CLOSED → OPEN after `failureThreshold` consecutive failures; OPEN short-circuits calls for
 * `recoveryTimeoutMs`; then HALF_OPEN lets calls through and closes after `successThreshold`
 * successes (one failure re-opens). Callers fall back to the source while it is open.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private successes = 0;
  private openedAt = 0;
  opens = 0;

  constructor(
    private readonly o: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.o.recoveryTimeoutMs) {
      this.state = 'half_open';
      this.successes = 0;
    }
    return this.state;
  }

  /** Whether a call may be attempted now. */
  allow(): boolean {
    return this.current !== 'open';
  }

  success(): void {
    if (this.current === 'half_open') {
      this.successes += 1;
      if (this.successes >= this.o.successThreshold) this.state = 'closed';
    }
    this.failures = 0;
  }

  failure(): void {
    this.failures += 1;
    if (this.current === 'half_open' || this.failures >= this.o.failureThreshold) {
      if (this.state !== 'open') this.opens += 1;
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
}
