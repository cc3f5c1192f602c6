import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES as RESULT_EXIT_CODES } from '../result/index.js';
import { EXIT_CODE_MEANINGS, EXIT_CODES } from './exit-codes.js';

const ERRORS_DOC = path.resolve(import.meta.dirname, '../../docs/errors.md');

describe('exit codes', () => {
  it("are distinct, never renumbered, and the RunResult table's where both have them", () => {
    const values = Object.values(EXIT_CODES);
    expect(new Set(values).size).toBe(values.length);
    expect(EXIT_CODES).toEqual({
      OK: 0,
      UNEXPECTED: 1,
      USAGE: 2,
      BUDGET_FAILED: 3,
      DATA_LOSS: 4,
      REGRESSION: 5,
      UNTRUSTED: 6,
      INTERRUPTED: 7,
    });
    for (const code of Object.values(RESULT_EXIT_CODES)) expect(values).toContain(code);
  });

  it('each has a meaning, and docs/errors.md lists every one of them', () => {
    const doc = fs.readFileSync(ERRORS_DOC, 'utf8');
    const table = [...doc.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1]));
    for (const code of Object.values(EXIT_CODES)) {
      expect(EXIT_CODE_MEANINGS[code], `meaning of ${code}`).toBeTruthy();
      expect(table, `docs/errors.md row for exit ${code}`).toContain(code);
    }
  });
});
