import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import type { Fault, FaultHandles, LlmFaultHandle, PgFaultHandle, ProxyFaultHandle, RedisFaultHandle } from './types.js';

/** What applying a fault left behind: how long until it should be undone, and how. */
export interface AppliedEffect {
  /** ms until `revert` runs; undefined = at schedule stop; absent revert = instantaneous fault. */
  revertAfterMs?: number;
  revert?: () => Promise<void>;
}

function missing(kind: string, what: string): LoadlabError {
  return new LoadlabError(HARNESS_ERRORS.FAULT_HANDLE_MISSING, `fault ${kind} needs a ${what} handle, none was given`, {
    hint: 'pass it in the scenario context faults handles (harness/infra provides redis and pg handles for servers it owns)',
  });
}

function redis(h: FaultHandles, kind: string): RedisFaultHandle {
  if (h.redis === undefined) throw missing(kind, 'redis');
  return h.redis;
}

function pgHandle(h: FaultHandles, kind: string): PgFaultHandle {
  if (h.pg === undefined) throw missing(kind, 'pg');
  return h.pg;
}

function llm(h: FaultHandles, kind: string): LlmFaultHandle {
  if (h.llm === undefined) throw missing(kind, 'llm');
  return h.llm;
}

function proxy(h: FaultHandles, kind: string, name: string | undefined): ProxyFaultHandle {
  const proxies = h.proxies ?? {};
  const names = Object.keys(proxies);
  const key = name ?? (names.length === 1 ? names[0] : undefined);
  const p = key === undefined ? undefined : proxies[key];
  if (p === undefined)
    throw missing(kind, name === undefined ? `proxy (one of ${names.join(', ') || 'none'}; name it with "proxy")` : `proxy "${name}"`);
  return p;
}

/** Human label for timeline marks and logs. */
export function describeFault(f: Fault): string {
  const on = 'proxy' in f && f.proxy !== undefined ? ` (${f.proxy})` : '';
  switch (f.kind) {
    case 'redis-kill':
      return `redis SIGKILL${f.downMs === undefined ? '' : `, down ${f.downMs} ms`}`;
    case 'redis-pause':
      return `redis SIGSTOP ${f.ms} ms`;
    case 'redis-restart':
      return 'redis restart';
    case 'proxy-latency':
      return `proxy latency ${f.ms}${f.jitterMs ? `±${f.jitterMs}` : ''} ms${on}`;
    case 'proxy-reset':
      return `proxy reset${on}`;
    case 'proxy-down':
      return `proxy down ${f.ms} ms${on}`;
    case 'proxy-bandwidth':
      return `proxy bandwidth ${f.bytesPerSec} B/s${on}`;
    case 'pg-restart':
      return 'postgres restart';
    case 'llm-errors':
      return `llm ${f.status} at ${Math.round(f.rate * 100)}%`;
  }
}

/** Applies one fault now; returns how to undo it. Throws LoadlabError when a handle is missing. */
export async function applyFault(f: Fault, h: FaultHandles): Promise<AppliedEffect> {
  switch (f.kind) {
    case 'redis-kill': {
      const r = redis(h, f.kind);
      await r.kill();
      return f.downMs === undefined ? {} : { revertAfterMs: f.downMs, revert: () => r.restart() };
    }
    case 'redis-pause': {
      const r = redis(h, f.kind);
      await r.pause();
      return { revertAfterMs: f.ms, revert: () => r.resume() };
    }
    case 'redis-restart':
      await redis(h, f.kind).restart();
      return {};
    case 'proxy-latency': {
      const p = proxy(h, f.kind, f.proxy);
      p.setLatency(f.ms, f.jitterMs ?? 0, f.direction ?? 'downstream');
      return { ...(f.durationMs === undefined ? {} : { revertAfterMs: f.durationMs }), revert: async () => p.clearLatency() };
    }
    case 'proxy-reset':
      proxy(h, f.kind, f.proxy).reset();
      return {};
    case 'proxy-down': {
      const p = proxy(h, f.kind, f.proxy);
      await p.down();
      return { revertAfterMs: f.ms, revert: () => p.up() };
    }
    case 'proxy-bandwidth': {
      const p = proxy(h, f.kind, f.proxy);
      p.setBandwidth(f.bytesPerSec);
      return { ...(f.durationMs === undefined ? {} : { revertAfterMs: f.durationMs }), revert: async () => p.setBandwidth(null) };
    }
    case 'pg-restart':
      await pgHandle(h, f.kind).restart();
      return {};
    case 'llm-errors': {
      const l = llm(h, f.kind);
      const spec = { status: f.status, rate: f.rate, ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }) };
      await l.setErrors(spec);
      return { ...(f.durationMs === undefined ? {} : { revertAfterMs: f.durationMs }), revert: async () => l.setErrors(null) };
    }
  }
}
