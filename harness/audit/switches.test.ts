import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../engine/config/index.js';
import { parseDisabled, SWITCH_NAMES, withDisabled } from './switches.js';

describe('--disable switches', () => {
  it('lists every schema optimisation and every engine feature the audit changed', () => {
    expect(SWITCH_NAMES).toEqual(
      expect.arrayContaining(['task-count', 'action-tags-tag-action', 'api.batchLookups', 'db.poolMax', 'embeddings.batchSize']),
    );
  });

  it('forces a disabled engine feature to its audit-time value on an optimized engine, and nothing else', () => {
    const disabled = parseDisabled('api.batchLookups,db.listSessionsShape,task-count');
    expect(disabled.migrations).toEqual(['task-count']);
    const config = resolveConfig(withDisabled({ variant: 'optimized', db: { poolMax: 30 } }, disabled));
    expect(config.api.batchLookups).toBe(false);
    expect(config.db.listSessionsShape).toBe('join');
    expect(config.db.poolMax).toBe(30);
    expect(config.db.tagFilterShape).toBe('cte');
  });

  it('rejects unknown names with the valid list', () => {
    expect(() => parseDisabled('api.batchLookups,warp-drive')).toThrowError(/unknown optimisation "warp-drive"/);
    expect(parseDisabled(undefined).names).toEqual([]);
  });
});
