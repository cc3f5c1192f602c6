import { describe, expect, it } from 'vitest';
import { describeFault, startFaultSchedule } from './index.js';
import type { FaultHandles, LlmErrorSpec } from './index.js';

function fakes() {
  const calls: string[] = [];
  const at = (name: string) => async () => {
    calls.push(name);
  };
  const handles: FaultHandles = {
    redis: { kill: at('kill'), pause: at('pause'), resume: at('resume'), restart: at('restart') },
    pg: { restart: at('pg-restart') },
    llm: {
      setErrors: (s: LlmErrorSpec | null) => {
        calls.push(s === null ? 'llm-clear' : `llm-${s.status}`);
      },
    },
    proxies: {
      postgres: {
        setLatency: (ms: number) => {
          calls.push(`latency-${ms}`);
        },
        clearLatency: () => {
          calls.push('latency-off');
        },
        setBandwidth: (b: number | null) => {
          calls.push(`bw-${b}`);
        },
        reset: () => {
          calls.push('reset');
        },
        down: at('down'),
        up: at('up'),
      },
    },
  };
  return { calls, handles };
}

describe('startFaultSchedule', () => {
  it('applies faults at offsets, undoes timed ones and marks the timeline', async () => {
    const { calls, handles } = fakes();
    const t0 = performance.now();
    const run = startFaultSchedule(
      [
        { atMs: 0, fault: { kind: 'redis-kill', downMs: 100 } },
        { atMs: 20, fault: { kind: 'proxy-latency', ms: 50, durationMs: 50 } },
        { atMs: 30, fault: { kind: 'proxy-reset' } },
        { atMs: 40, fault: { kind: 'llm-errors', status: 429, rate: 0.5, durationMs: 10 } },
      ],
      handles,
      { t0 },
    );
    const r = await run.done;
    expect(calls).toEqual(['kill', 'latency-50', 'reset', 'llm-429', 'llm-clear', 'latency-off', 'restart']);
    expect(r.failed).toEqual([]);
    const starts = r.marks.filter((m) => m.kind === 'fault-start');
    const ends = r.marks.filter((m) => m.kind === 'fault-end');
    expect(starts.map((m) => m.fault)).toEqual(['redis-kill', 'proxy-latency', 'proxy-reset', 'llm-errors']);
    expect(ends.map((m) => m.fault)).toEqual(['llm-errors', 'proxy-latency', 'redis-kill']);
    expect(ends.at(-1)!.t).toBeGreaterThanOrEqual(98);
    expect(r.marks.map((m) => m.t)).toEqual([...r.marks.map((m) => m.t)].sort((a, b) => a - b));
  });

  it('stop() cancels pending faults and undoes active ones', async () => {
    const { calls, handles } = fakes();
    const run = startFaultSchedule(
      [
        { atMs: 0, fault: { kind: 'redis-pause', ms: 10_000 } },
        { atMs: 0, fault: { kind: 'proxy-bandwidth', bytesPerSec: 1000 } },
        { atMs: 5_000, fault: { kind: 'pg-restart' } },
      ],
      handles,
    );
    await new Promise((r) => setTimeout(r, 20));
    const r = await run.stop();
    expect(calls.sort()).toEqual(['bw-1000', 'bw-null', 'pause', 'resume']);
    expect(r.applied).toHaveLength(2);
    expect(await run.stop()).toEqual(r);
  });

  it('records a missing handle as a failed fault instead of throwing mid-run', async () => {
    const run = startFaultSchedule([{ atMs: 0, fault: { kind: 'pg-restart' } }], {});
    const r = await run.done;
    expect(r.failed[0]?.error?.code).toBe('LL_FAULT_HANDLE_MISSING');
  });

  it('aborts with the signal and names faults for marks', async () => {
    const { calls, handles } = fakes();
    const ac = new AbortController();
    const run = startFaultSchedule([{ atMs: 0, fault: { kind: 'proxy-down', ms: 10_000, proxy: 'postgres' } }], handles, {
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await run.done;
    expect(calls).toEqual(['down', 'up']);
    expect(describeFault({ kind: 'proxy-latency', ms: 50, jitterMs: 10, proxy: 'redis' })).toBe('proxy latency 50±10 ms (redis)');
  });
});
