/**
 * Where one table's load time goes, in seconds. `generate` is the main-thread time spent producing
 * rows inside `copy` (the rest of `copy` is the server parsing, routing and storing them);
 * `wait` is time spent waiting for a connection or for the parents' commit.
 */
export interface TablePhases {
  readonly waitSeconds: number;
  readonly generateSeconds: number;
  readonly copySeconds: number;
  readonly indexSeconds: number;
  readonly validateSeconds: number;
  readonly analyzeSeconds: number;
  /** BEGIN/SET/DROP INDEX and COMMIT. */
  readonly otherSeconds: number;
}

type Phase = 'wait' | 'generate' | 'copy' | 'index' | 'validate' | 'analyze' | 'prepare' | 'commit';

/** Splits wall time into consecutive phases with one clock read per phase change. */
export class PhaseClock {
  private mark = process.hrtime.bigint();
  private readonly start = this.mark;
  private readonly secs = new Map<Phase, number>();

  /** Charges the time since the previous lap to `phase`. */
  lap(phase: Phase): void {
    const now = process.hrtime.bigint();
    this.record(phase, Number(now - this.mark) / 1e9);
    this.mark = now;
  }

  /** Adds a duration measured elsewhere (generation inside COPY). */
  record(phase: Phase, seconds: number): void {
    this.secs.set(phase, (this.secs.get(phase) ?? 0) + seconds);
  }

  /** Wall time since the clock started. */
  elapsed(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e9;
  }

  phases(): TablePhases {
    const s = (p: Phase): number => Math.round((this.secs.get(p) ?? 0) * 1000) / 1000;
    return {
      waitSeconds: s('wait'),
      generateSeconds: s('generate'),
      copySeconds: s('copy'),
      indexSeconds: s('index'),
      validateSeconds: s('validate'),
      analyzeSeconds: s('analyze'),
      otherSeconds: Math.round((s('prepare') + s('commit')) * 1000) / 1000,
    };
  }
}
