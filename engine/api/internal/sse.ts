import type { ServerResponse } from 'node:http';
import type { EventEnvelope } from '../../events/index.js';

/**
 * One open SSE response. Wire format as bo1 (§7.3): `id: <session_id>:<sequence>`, `event:
 * <type>`, `data: <json>`; comments for keepalive. Writes after the client left are ignored.
 */
export class SseStream {
  private ended = false;
  private lastSequence: number;
  private readonly onEndCallbacks: (() => void)[] = [];

  constructor(
    private readonly raw: ServerResponse,
    readonly sessionId: string,
    afterSequence: number,
  ) {
    this.lastSequence = afterSequence;
    raw.on('close', () => this.end());
  }

  get closed(): boolean {
    return this.ended;
  }

  get last(): number {
    return this.lastSequence;
  }

  /** Sends a session event once, in order: anything at or below the last sequence sent is skipped. */
  event(e: EventEnvelope): boolean {
    if (this.ended || e.sequence <= this.lastSequence) return false;
    this.lastSequence = e.sequence;
    this.write(
      `id: ${this.sessionId}:${e.sequence}\nevent: ${oneLine(e.event_type)}\ndata: ${JSON.stringify({ ...e, event_version: 1 })}\n\n`,
    );
    return true;
  }

  /** A stream-level event (no id: it must not move the client's Last-Event-ID). */
  control(type: string, data: Record<string, unknown>): void {
    this.write(`event: ${type}\ndata: ${JSON.stringify({ event_type: type, session_id: this.sessionId, ...data })}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${oneLine(text)}\n\n`);
  }

  retry(ms: number): void {
    this.write(`retry: ${ms}\n\n`);
  }

  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else this.onEndCallbacks.push(fn);
  }

  /** Ends the response (idempotent) and runs the cleanup callbacks once. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.raw.writableEnded) this.raw.end();
    for (const fn of this.onEndCallbacks.splice(0)) fn();
  }

  private write(chunk: string): void {
    if (this.ended || this.raw.writableEnded || this.raw.destroyed) return;
    this.raw.write(chunk);
  }
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** Open streams, so shutdown can end them (otherwise server.close() would wait for them forever). */
export class StreamRegistry {
  private readonly open = new Set<{ stream: SseStream; finish: (reason: string) => void }>();

  add(stream: SseStream, finish: (reason: string) => void): void {
    const entry = { stream, finish };
    this.open.add(entry);
    stream.onEnd(() => this.open.delete(entry));
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(reason: string): void {
    for (const { finish } of [...this.open]) finish(reason);
  }
}
