import net from 'node:net';
import type { Server, Socket } from 'node:net';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { shapedPipe } from './internal/pipe.js';
import type { Shaping } from './internal/pipe.js';
import type { ProxyDirection, ProxyFaultHandle } from './types.js';

export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** Defaults to 127.0.0.1:0 (a free port); loopback only, this is a test tool. */
  listenHost?: string;
  listenPort?: number;
  name?: string;
}

export interface FaultProxyStats {
  connectionsTotal: number;
  connectionsActive: number;
  /** Client -> target bytes. */
  bytesUpstream: number;
  /** Target -> client bytes. */
  bytesDownstream: number;
  resets: number;
  /** Connections refused or reset because the proxy was down. */
  refused: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

const NO_SHAPING: Shaping = { latencyMs: 0, jitterMs: 0, bytesPerSec: null };

/**
 * A small TCP fault proxy with Toxiproxy semantics (no Toxiproxy binary exists here), placed
 * between the engine and Redis or PostgreSQL so faults work against servers the harness does not
 * own: latency (+jitter) per chunk, bandwidth limit, reset (RST every connection) and down
 * (stop listening, reset everything, come back on the same port). All changes apply at runtime.
 */
export class FaultProxy implements ProxyFaultHandle {
  readonly name: string;
  readonly target: { host: string; port: number };
  private readonly listenHost: string;
  private server: Server | undefined;
  private boundPort = 0;
  private readonly pairs = new Set<Pair>();
  private upstreamShaping: Shaping = { ...NO_SHAPING };
  private downstreamShaping: Shaping = { ...NO_SHAPING };
  private readonly counters: FaultProxyStats = {
    connectionsTotal: 0,
    connectionsActive: 0,
    bytesUpstream: 0,
    bytesDownstream: 0,
    resets: 0,
    refused: 0,
  };

  private constructor(opts: FaultProxyOptions) {
    this.name = opts.name ?? `${opts.target.host}:${opts.target.port}`;
    this.target = opts.target;
    this.listenHost = opts.listenHost ?? '127.0.0.1';
    this.boundPort = opts.listenPort ?? 0;
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    const p = new FaultProxy(opts);
    await p.listen();
    return p;
  }

  get host(): string {
    return this.listenHost;
  }

  get port(): number {
    return this.boundPort;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  stats(): FaultProxyStats {
    return { ...this.counters, connectionsActive: this.pairs.size };
  }

  setLatency(ms: number, jitterMs = 0, direction: ProxyDirection = 'downstream'): void {
    if (direction !== 'upstream') this.downstreamShaping = { ...this.downstreamShaping, latencyMs: ms, jitterMs };
    if (direction !== 'downstream') this.upstreamShaping = { ...this.upstreamShaping, latencyMs: ms, jitterMs };
  }

  clearLatency(): void {
    this.downstreamShaping = { ...this.downstreamShaping, latencyMs: 0, jitterMs: 0 };
    this.upstreamShaping = { ...this.upstreamShaping, latencyMs: 0, jitterMs: 0 };
  }

  /** Limits both directions to `bytesPerSec` each; null lifts the limit. */
  setBandwidth(bytesPerSec: number | null): void {
    this.downstreamShaping = { ...this.downstreamShaping, bytesPerSec };
    this.upstreamShaping = { ...this.upstreamShaping, bytesPerSec };
  }

  /** Destroys every open connection with a TCP RST on both sides; the listener stays up. */
  reset(): void {
    for (const pair of [...this.pairs]) {
      this.counters.resets++;
      this.kill(pair);
    }
  }

  /** Stops accepting (clients get ECONNREFUSED) and resets open connections. */
  async down(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((res) => server.close(() => res()));
    for (const pair of [...this.pairs]) {
      this.counters.refused++;
      this.kill(pair);
    }
    await closed;
  }

  /** Listens again on the same port after `down()`. */
  async up(): Promise<void> {
    if (this.server !== undefined) return;
    await this.listen();
  }

  /** Closes the listener and every open connection (same as down(); named for `finally` blocks). */
  async close(): Promise<void> {
    await this.down();
  }

  private kill(pair: Pair): void {
    this.pairs.delete(pair);
    // resetAndDestroy sends RST, which is what a crashed server or a dropped NAT entry looks like.
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.upstream.destroyed) pair.upstream.resetAndDestroy();
  }

  private async listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: unknown) => {
        reject(
          new LoadlabError(
            HARNESS_ERRORS.PROXY_LISTEN_FAILED,
            `fault proxy ${this.name} cannot listen on ${this.listenHost}:${this.boundPort}`,
            { cause },
          ),
        );
      });
      server.listen(this.boundPort, this.listenHost, () => resolve());
    });
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') this.boundPort = addr.port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.counters.connectionsTotal++;
    client.setNoDelay(true);
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    upstream.setNoDelay(true);
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    const teardown = (): void => {
      if (!this.pairs.delete(pair)) return;
      // Mirror an abrupt close on one side as a reset on the other, as a real broken link does.
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', () => {
      if (!upstream.destroyed && upstream.writableEnded) upstream.destroy();
      this.pairs.delete(pair);
    });
    upstream.on('close', () => {
      if (!client.destroyed && client.writableEnded) client.destroy();
      this.pairs.delete(pair);
    });
    shapedPipe(
      client,
      upstream,
      () => this.upstreamShaping,
      (n) => {
        this.counters.bytesUpstream += n;
      },
    );
    shapedPipe(
      upstream,
      client,
      () => this.downstreamShaping,
      (n) => {
        this.counters.bytesDownstream += n;
      },
    );
  }
}
