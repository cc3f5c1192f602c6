import { describe, expect, it } from 'vitest';
import { isLoadlabError } from '../errors/index.js';
import { ENGINE_DEFAULTS, resolveConfig } from './index.js';

describe('resolveConfig', () => {
  it('defaults to the optimized variant', () => {
    const c = resolveConfig();
    expect(c.variant).toBe('optimized');
    expect(c.db.poolMax).toBe(75);
    expect(c.embeddings.batchSize).toBe(20);
    expect(c.sessions.maxConcurrent).toBe(ENGINE_DEFAULTS.sessions.maxConcurrent);
    expect(Object.isFrozen(c.db)).toBe(true);
  });

  it('applies the audited profile, then per-feature overrides', () => {
    const c = resolveConfig({ variant: 'audited', db: { listSessionsShape: 'task_count' } });
    expect(c.db.poolMax).toBe(20);
    expect(c.db.tagFilterShape).toBe('in_subquery');
    expect(c.db.listSessionsShape).toBe('task_count');
    expect(c.costs.timerFlush).toBe(false);
    expect(c.sessions.holdLockDuringGrace).toBe(true);
    expect(c.embeddings.batchSize).toBe(5);
  });

  it('reports every error at once and rejects unknown keys', () => {
    let err: unknown;
    try {
      resolveConfig({ sessions: { maxConcurrent: 0, bogus: 1 }, db: { tagFilterShape: 'nope' }, costs: { batchSize: 'x' } } as never);
    } catch (e) {
      err = e;
    }
    expect(isLoadlabError(err)).toBe(true);
    if (!isLoadlabError(err)) return;
    expect(err.kind).toBe('config');
    expect(err.code).toBe('LL_CONFIG_INVALID');
    for (const part of ['sessions.maxConcurrent', 'sessions.bogus: unknown key', 'db.tagFilterShape', 'costs.batchSize']) {
      expect(err.message).toContain(part);
    }
  });

  it('validates the llm extension section', () => {
    expect(resolveConfig({ llm: { timeScale: 0.01 } }).llm.timeScale).toBe(0.01);
    expect(() => resolveConfig({ llm: { nope: true } } as never)).toThrow(/llm.nope: unknown key/);
  });
});

describe('extension sections', () => {
  it('accepts the deliberation section and keeps declared unions typed', () => {
    const c = resolveConfig({ deliberation: { subProblemMode: 'batches' }, llm: { mode: 'mock' } });
    const mode: 'sequential' | 'parallel' | 'batches' = c.deliberation.subProblemMode;
    expect(mode).toBe('batches');
    expect(() => resolveConfig({ deliberation: { pruning: 'yes' } } as never)).toThrow(/deliberation.pruning: expected boolean/);
  });
});
