import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERRORS } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../../harness/errors/index.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/errors.md');

describe('error code registry', () => {
  const codes = [...Object.values(ENGINE_ERRORS), ...Object.values(HARNESS_ERRORS)];

  it('has no code twice across the engine and harness registries', () => {
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('every code is documented in docs/errors.md, and the doc lists no code that does not exist', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const documented = new Set([...doc.matchAll(/`(LL_[A-Z0-9_]+)`/g)].map((m) => m[1]));
    const missing = codes.filter((c) => !documented.has(c));
    const stale = [...documented].filter((c) => c !== undefined && !codes.includes(c as never));
    expect(missing, 'codes missing from docs/errors.md').toEqual([]);
    expect(stale, 'codes in docs/errors.md that no registry has').toEqual([]);
  });
});
