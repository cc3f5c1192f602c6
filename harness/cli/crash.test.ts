import { describe, expect, it } from 'vitest';
import { LoadlabError } from '../../engine/errors/index.js';
import { createCrashGuard, installCrashHandlers, internalError, printInternalError, type CrashError } from './crash.js';
import type { Printer } from './printer.js';

function recordingPrinter(): Printer & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    json: false,
    tty: false,
    line: (t = '') => lines.push(t),
    status: (t) => lines.push(t),
    result: () => undefined,
    error: (t) => lines.push(t),
    progress: (t) => lines.push(t),
    endProgress: () => undefined,
  };
}

describe('crash guard', () => {
  it('runs the cleanups newest first, skips untracked ones, survives a failing one and bounds a hanging one', async () => {
    const guard = createCrashGuard();
    const order: string[] = [];
    guard.track({
      name: 'infra',
      run: () => {
        order.push('infra');
      },
    });
    guard.track({
      name: 'hangs',
      run: () =>
        new Promise<void>(() => {
          order.push('hangs');
        }),
    });
    guard.track({
      name: 'fails',
      run: () => {
        order.push('fails');
        throw new Error('cleanup broke');
      },
    });
    const untrack = guard.track({
      name: 'done',
      run: () => {
        order.push('done');
      },
    });
    let seen: CrashError | undefined;
    guard.track({
      name: 'partial',
      run: (e) => {
        seen = e;
        order.push('partial');
      },
    });
    untrack();
    const t0 = Date.now();
    await guard.cleanUp({ code: 'LL_INTERNAL', message: 'x' }, 100);
    expect(order).toEqual(['partial', 'fails', 'hangs', 'infra']);
    expect(seen).toEqual({ code: 'LL_INTERNAL', message: 'x' });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});

describe('internal errors', () => {
  it('are LL_INTERNAL with the message, secrets redacted; an escaped LoadlabError keeps its code in the message', () => {
    expect(internalError(new Error('cannot reach postgres://u:hunter2@h/db'))).toEqual({
      code: 'LL_INTERNAL',
      message: 'cannot reach postgres://u:***@h/db',
    });
    expect(internalError('a string')).toEqual({ code: 'LL_INTERNAL', message: 'a string' });
    const escaped = internalError(new LoadlabError('LL_USAGE', 'bad'));
    expect(escaped.code).toBe('LL_INTERNAL');
    expect(escaped.message).toContain('LL_USAGE');
  });

  it('print the stack only at debug level', () => {
    const err = new Error('boom');
    const quiet = recordingPrinter();
    printInternalError(quiet, err, false);
    expect(quiet.lines[0]).toBe('loadlab: internal error: boom [LL_INTERNAL]');
    expect(quiet.lines.join('\n')).not.toMatch(/^\s+at /m);
    expect(quiet.lines.join('\n')).toContain('LOADLAB_LOG_LEVEL=debug');
    const loud = recordingPrinter();
    printInternalError(loud, err, true);
    expect(loud.lines.join('\n')).toMatch(/^\s+at /m);
  });
});

describe('process-level crash handlers', () => {
  /** The listener installCrashHandlers added, called directly: emitting the event would reach the test runner's own. */
  const ours = (event: 'uncaughtException' | 'unhandledRejection', before: readonly unknown[]): ((err: unknown) => void) => {
    const added = process.listeners(event as 'uncaughtException').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    return added[0] as (err: unknown) => void;
  };

  it('print LL_INTERNAL, run the cleanups, then exit 1; a second crash exits at once; uninstall removes them', async () => {
    const beforeEx = process.listeners('uncaughtException');
    const beforeRej = process.listeners('unhandledRejection');
    const guard = createCrashGuard();
    const printer = recordingPrinter();
    const exits: number[] = [];
    const cleaned: string[] = [];
    guard.track({
      name: 'partial',
      run: async (e) => {
        await new Promise((r) => setTimeout(r, 20));
        cleaned.push(e.message);
      },
    });
    const uninstall = installCrashHandlers({ guard, printer, debug: () => false, exit: (c) => exits.push(c) });
    try {
      const onException = ours('uncaughtException', beforeEx);
      const onRejection = ours('unhandledRejection', beforeRej);
      onRejection(new Error('rejected somewhere'));
      expect(printer.lines[0]).toBe('loadlab: internal error: rejected somewhere [LL_INTERNAL]');
      expect(exits).toEqual([]);
      onException(new Error('and again while cleaning up'));
      expect(exits).toEqual([1]);
      await new Promise((r) => setTimeout(r, 100));
      expect(cleaned).toEqual(['rejected somewhere']);
      expect(exits).toEqual([1, 1]);
    } finally {
      uninstall();
    }
    expect(process.listeners('uncaughtException')).toEqual(beforeEx);
    expect(process.listeners('unhandledRejection')).toEqual(beforeRej);
  });
});
