import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const SHUTDOWN = path.resolve(import.meta.dirname, 'shutdown.ts');

/**
 * A process that installs closeOnExit over a fake infrastructure whose close() takes `closeMs`,
 * and logs what happened to `log`: the real signal handling, without servers.
 */
function script(log: string, closeMs: number): string {
  return `
import fs from 'node:fs';
import { closeOnExit } from ${JSON.stringify(SHUTDOWN)};
const note = (s) => fs.appendFileSync(${JSON.stringify(log)}, s + '\\n');
let closing;
const infra = {
  close: () => (closing ??= new Promise((r) => setTimeout(() => { note('closed'); r(); }, ${closeMs}))),
  abandon: () => note('abandoned'),
};
closeOnExit(infra, { onSignal: (s) => note('onSignal ' + s), exitCode: () => 7 });
console.log('ready');
setInterval(() => undefined, 1000);
`;
}

async function start(dir: string, name: string, closeMs: number): Promise<{ pid: number; log: string; exited: Promise<number | null> }> {
  const log = path.join(dir, `${name}.log`);
  const file = path.join(dir, `${name}.mts`);
  fs.writeFileSync(file, script(log, closeMs));
  const proc = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => readline.createInterface({ input: proc.stdout }).once('line', () => resolve()));
  return { pid: proc.pid!, log, exited };
}

const lines = (log: string): string[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);

describe('closeOnExit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-shutdown-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs onSignal, waits for the whole teardown, then exits with the chosen code; a repeat of the signal a moment later is the same request', async () => {
    const p = await start(dir, 'repeat', 1_000);
    process.kill(p.pid, 'SIGTERM');
    // As `timeout` does: the child first, then its process group, a moment apart.
    await new Promise((r) => setTimeout(r, 200));
    process.kill(p.pid, 'SIGTERM');
    expect(await p.exited).toBe(7);
    // abandon() also runs from the 'exit' hook; on a real Infra it does nothing once closed.
    expect(lines(p.log).slice(0, 2)).toEqual(['onSignal SIGTERM', 'closed']);
  }, 30_000);

  it('a second signal well after the first stops waiting: children killed, directory removed, exit at once', async () => {
    const p = await start(dir, 'impatient', 10_000);
    process.kill(p.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 2_500));
    const t0 = Date.now();
    process.kill(p.pid, 'SIGINT');
    expect(await p.exited).toBe(7);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(lines(p.log)[0]).toBe('onSignal SIGINT');
    expect(lines(p.log)).toContain('abandoned');
    expect(lines(p.log)).not.toContain('closed');
  }, 30_000);
});
