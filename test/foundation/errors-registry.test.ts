import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERRORS, LoadlabError, registeredErrors } from '../../engine/errors/index.js';
import { EXIT_BY_KIND } from '../../harness/cli/exit-codes.js';
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

  it('gives every code one kind, and docs/errors.md the exit code that kind has', () => {
    const kinds = registeredErrors();
    expect([...kinds.keys()].sort()).toEqual([...codes].sort());
    // `| \`LL_X\` | when | 2 |`: rows of the tables whose last column is the exit code.
    const doc = fs.readFileSync(DOC, 'utf8');
    const rows = [...doc.matchAll(/^\| `(LL_[A-Z0-9_]+)` \|.*\| (\d+) \|$/gm)].map((m) => ({ code: m[1] as string, exit: Number(m[2]) }));
    const wrong = rows
      .filter((r) => kinds.has(r.code) && EXIT_BY_KIND[kinds.get(r.code)!] !== r.exit)
      .map((r) => `${r.code}: documented ${r.exit}, registered ${kinds.get(r.code)} -> ${EXIT_BY_KIND[kinds.get(r.code)!]}`);
    expect(wrong).toEqual([]);
    // Every code outside the HTTP table has its exit documented.
    const api = codes.filter((c) => c.startsWith('LL_API_'));
    expect(codes.filter((c) => !api.includes(c) && !rows.some((r) => r.code === c))).toEqual([]);
  });

  it('takes the kind of an error from its code, wherever it is thrown', () => {
    expect(new LoadlabError(HARNESS_ERRORS.USAGE, 'x').kind).toBe('usage');
    expect(new LoadlabError(ENGINE_ERRORS.DB_POOL_TIMEOUT, 'x').kind).toBe('infra');
    expect(new LoadlabError(HARNESS_ERRORS.INTERRUPTED, 'x').kind).toBe('interrupted');
    expect(EXIT_BY_KIND[new LoadlabError(HARNESS_ERRORS.DATA_LOSS, 'x').kind]).toBe(4);
  });

  // Source files a throw site can live in (tests and the registries themselves aside).
  const ROOT = path.resolve(import.meta.dirname, '../..');
  const sources = (): { file: string; text: string }[] => {
    const out: { file: string; text: string }[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts'))
          out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') });
      }
    };
    for (const dir of ['engine', 'harness', 'scenarios', 'seed', 'reports', 'bench'])
      if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
    return out;
  };
  const REGISTRIES = new Set([path.join('engine', 'errors', 'codes.ts'), path.join('harness', 'errors', 'codes.ts')]);

  it('no source writes a code as a string literal: every throw site names the registry entry', () => {
    const literals = sources()
      .filter((s) => !REGISTRIES.has(s.file))
      .flatMap((s) => [...s.text.matchAll(/['"`](LL_[A-Z0-9_]+)['"`]/g)].map((m) => `${s.file}: ${m[1]}`));
    expect(literals).toEqual([]);
  });

  it('every registered code is used somewhere (a code nothing raises is dead surface)', () => {
    const text = sources()
      .filter((s) => !REGISTRIES.has(s.file))
      .map((s) => s.text)
      .join('\n');
    const keysOf = (o: Record<string, string>): string[] => Object.keys(o);
    // Used = its registry key is referenced (ENGINE_ERRORS.X, HARNESS_ERRORS.X or an alias's X -> ENGINE_ERRORS.LLM_X).
    const unused = [
      ...keysOf(ENGINE_ERRORS)
        .filter((k) => !new RegExp(`ERRORS\\.${k}\\b`).test(text))
        .map((k) => ENGINE_ERRORS[k as keyof typeof ENGINE_ERRORS]),
      ...keysOf(HARNESS_ERRORS)
        .filter((k) => !new RegExp(`ERRORS\\.${k}\\b`).test(text))
        .map((k) => HARNESS_ERRORS[k as keyof typeof HARNESS_ERRORS]),
    ];
    expect(unused).toEqual([]);
  });
});
