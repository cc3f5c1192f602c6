import type { Socket } from 'node:net';

/** Shaping applied to one direction of a proxied connection, read at each chunk (runtime changes apply at once). */
export interface Shaping {
  latencyMs: number;
  jitterMs: number;
  /** null = unlimited. */
  bytesPerSec: number | null;
}

// Pause the source once this much is waiting for its delay, so a slow proxy cannot buffer without bound.
const HIGH_WATER_BYTES = 1 << 20;

interface Queued {
  chunk: Buffer;
  release: number;
}

/**
 * Forwards `src` to `dst` with Toxiproxy latency semantics: each chunk is delayed by latency ±
 * jitter, order is preserved (a FIFO with one timer, so a chunk never overtakes the previous
 * one), and a bandwidth limit spaces chunks by their transfer time. With no shaping and nothing
 * queued, chunks go straight through.
 */
export function shapedPipe(src: Socket, dst: Socket, shaping: () => Shaping, onBytes: (n: number) => void): void {
  const queue: Queued[] = [];
  let queuedBytes = 0;
  let lastRelease = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;

  const write = (chunk: Buffer): void => {
    if (dst.destroyed) return;
    onBytes(chunk.length);
    if (!dst.write(chunk)) {
      src.pause();
      dst.once('drain', () => {
        if (queuedBytes < HIGH_WATER_BYTES) src.resume();
      });
    }
  };

  const finish = (): void => {
    if (ended && queue.length === 0 && !dst.destroyed) dst.end();
  };

  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.release <= now + 0.5) {
      const q = queue.shift()!;
      queuedBytes -= q.chunk.length;
      write(q.chunk);
    }
    if (queuedBytes < HIGH_WATER_BYTES && src.isPaused() && dst.writableNeedDrain !== true) src.resume();
    if (queue.length > 0) timer = setTimeout(drain, queue[0]!.release - now);
    else finish();
  };

  src.on('data', (chunk: Buffer) => {
    const s = shaping();
    const now = performance.now();
    const jitter = s.jitterMs > 0 ? (Math.random() * 2 - 1) * s.jitterMs : 0;
    const delay = Math.max(0, s.latencyMs + jitter);
    const transfer = s.bytesPerSec === null ? 0 : (chunk.length / s.bytesPerSec) * 1000;
    const release = Math.max(now + delay, lastRelease + transfer);
    lastRelease = release;
    if (queue.length === 0 && release <= now + 0.5) {
      write(chunk);
      return;
    }
    queue.push({ chunk, release });
    queuedBytes += chunk.length;
    if (queuedBytes >= HIGH_WATER_BYTES) src.pause();
    if (timer === undefined) timer = setTimeout(drain, release - now);
  });
  src.on('end', () => {
    ended = true;
    finish();
  });
  src.on('close', () => {
    if (timer !== undefined && dst.destroyed) clearTimeout(timer);
  });
  dst.on('close', () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    queue.length = 0;
  });
}
