import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/loadlab.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe('loadlab CLI', () => {
  it('prints help for the program and every command', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z0-9-]+)(?: \[options\]| <[^>]+>|\s)/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['audit', 'migrate', 'infra']));
    for (const command of commands) {
      const r = run([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toContain(`Usage: loadlab ${command}`);
    }
  });

  it('an unreachable database fails with exit 1, the URL redacted, the cause, and no stack trace', () => {
    const r = run(['migrate', '--database-url', 'postgres://nobody:secret@127.0.0.1:1/x']);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toContain('postgres://nobody:***@127.0.0.1:1/x');
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('[LL_DB_UNREACHABLE]');
    expect(r.stderr + r.stdout).not.toContain('secret');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unknown flag exits 2 and lists the valid options', () => {
    const r = run(['migrate', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).toContain('--optimizations');
    expect(r.stderr).toContain('--database-url');
  });

  it('an unknown optimisation exits 2 and lists the valid names', () => {
    const r = run(['migrate', '--database-url', 'postgres://postgres@127.0.0.1:5432/never_used', '--optimizations', 'task-count,fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown optimization "fast"');
    expect(r.stderr).toContain('action-tags-tag-action');
  });

  it('an unknown command exits 2, and a near miss is told the command it meant', () => {
    expect(run(['frobnicate']).code).toBe(2);
    // Commands load on demand (only the named one); a name that is none must still see them all.
    const typo = run(['migrat']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean migrate?)');
  });

  it('an invalid LOADLAB_LOG_LEVEL exits 2 naming the variable, the value and the valid levels, with no stack trace', () => {
    const r = run(['list'], { LOADLAB_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[LL_LOG_LEVEL_INVALID]');
    expect(r.stderr).toContain('LOADLAB_LOG_LEVEL is "loud"');
    expect(r.stderr).toContain('trace, debug, info, warn, error, fatal, silent');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    // Any case is accepted, and a valid level runs the command.
    expect(run(['list'], { LOADLAB_LOG_LEVEL: 'Error' }).code).toBe(0);
  });

  it("`help <command>` prints that command's usage", () => {
    const r = run(['help', 'seed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: loadlab seed');
  });
});
