import type { TimelineMark } from '../result/index.js';
import { HARNESS_ERRORS, LoadlabError, isLoadlabError } from '../errors/index.js';
import { applyFault, describeFault } from './apply.js';
import type { AppliedEffect } from './apply.js';
import type { Fault, FaultHandles, FaultScheduleEntry } from './types.js';

export interface AppliedFault {
  fault: Fault;
  /** ms since t0 when applying started / the fault was undone (null: instantaneous or never undone). */
  startedAt: number;
  endedAt: number | null;
  error?: { code: string; message: string };
}

export interface FaultRunReport {
  marks: TimelineMark[];
  applied: AppliedFault[];
  /** Faults whose apply or revert failed; a scenario should treat its results as suspect. */
  failed: AppliedFault[];
}

export interface FaultRun {
  /** Resolves once every entry has been applied and every timed fault undone. */
  readonly done: Promise<FaultRunReport>;
  /** Cancels pending entries and undoes active faults now (idempotent). */
  stop(): Promise<FaultRunReport>;
}

export interface FaultRunOptions {
  /** performance.now() of the scenario start, so marks align with sampler and driver timelines. */
  t0?: number;
  signal?: AbortSignal;
}

interface Active {
  record: AppliedFault;
  effect: AppliedEffect;
  timer?: NodeJS.Timeout | undefined;
}

function toError(err: unknown): { code: string; message: string } {
  if (isLoadlabError(err)) return { code: err.code, message: err.message };
  return { code: HARNESS_ERRORS.FAULT_FAILED, message: err instanceof Error ? err.message : String(err) };
}

/**
 * Applies faults at their offsets and records each as a start/end mark on the timeline. Faults
 * run concurrently when their windows overlap; each is undone after its own duration, and
 * whatever is still active when the schedule stops is undone then, so a scenario never leaves a
 * paused Redis or a slow proxy behind.
 */
export function startFaultSchedule(entries: readonly FaultScheduleEntry[], handles: FaultHandles, opts: FaultRunOptions = {}): FaultRun {
  for (const e of entries) {
    if (!(e.atMs >= 0)) throw new LoadlabError(HARNESS_ERRORS.FAULT_SCHEDULE_INVALID, `fault ${e.fault.kind} has invalid atMs ${e.atMs}`);
  }
  const t0 = opts.t0 ?? performance.now();
  const now = (): number => Math.max(0, Math.round(performance.now() - t0));
  const marks: TimelineMark[] = [];
  const applied: AppliedFault[] = [];
  const active = new Set<Active>();
  const startTimers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let pendingStarts = entries.length;
  let resolveDone!: (r: FaultRunReport) => void;
  const done = new Promise<FaultRunReport>((res) => {
    resolveDone = res;
  });

  const report = (): FaultRunReport => ({
    marks: [...marks].sort((a, b) => a.t - b.t),
    applied: [...applied],
    failed: applied.filter((a) => a.error !== undefined),
  });
  const maybeDone = (): void => {
    if (pendingStarts === 0 && inFlight.size === 0 && [...active].every((a) => a.timer === undefined)) resolveDone(report());
  };
  const track = (p: Promise<void>): void => {
    inFlight.add(p);
    void p.finally(() => {
      inFlight.delete(p);
      maybeDone();
    });
  };

  const undo = async (a: Active): Promise<void> => {
    active.delete(a);
    if (a.timer !== undefined) clearTimeout(a.timer);
    a.timer = undefined;
    if (a.effect.revert === undefined) return;
    try {
      await a.effect.revert();
    } catch (err) {
      a.record.error ??= toError(err);
    }
    a.record.endedAt = now();
    marks.push({ t: a.record.endedAt, label: `end: ${describeFault(a.record.fault)}`, kind: 'fault-end', fault: a.record.fault.kind });
  };

  const fire = async (fault: Fault): Promise<void> => {
    const record: AppliedFault = { fault, startedAt: now(), endedAt: null };
    applied.push(record);
    marks.push({ t: record.startedAt, label: describeFault(fault), kind: 'fault-start', fault: fault.kind });
    try {
      const effect = await applyFault(fault, handles);
      const a: Active = { record, effect };
      if (effect.revert === undefined) {
        record.endedAt = now();
        return;
      }
      active.add(a);
      if (stopped) {
        await undo(a);
        return;
      }
      if (effect.revertAfterMs !== undefined) {
        a.timer = setTimeout(() => track(undo(a)), effect.revertAfterMs);
      }
    } catch (err) {
      record.error = toError(err);
      record.endedAt = now();
    }
  };

  for (const e of entries) {
    const timer = setTimeout(() => {
      startTimers.delete(timer);
      pendingStarts--;
      track(fire(e.fault));
    }, e.atMs);
    startTimers.add(timer);
  }

  const stop = async (): Promise<FaultRunReport> => {
    if (!stopped) {
      stopped = true;
      for (const t of startTimers) clearTimeout(t);
      startTimers.clear();
      pendingStarts = 0;
      await Promise.all([...inFlight]);
      await Promise.all([...active].map((a) => undo(a)));
      maybeDone();
    }
    return done;
  };

  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  maybeDone();
  return { done, stop };
}
