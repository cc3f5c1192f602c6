/**
 * The Redis commands the event side uses, each set a port of its own: ioredis' `Redis` fits every
 * one (the engine passes its client), and a test passes a plain object without casting.
 */

/** The publisher's round trip: history RPUSH + EXPIRE + PUBLISH, queued and sent together. */
export interface EventPipeline {
  rpush(key: string, value: string): EventPipeline;
  expire(key: string, seconds: number): EventPipeline;
  publish(channel: string, message: string): EventPipeline;
  /** One [error, result] per queued command; null when the pipeline was aborted. */
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

/** What EventPublisher needs from Redis. */
export interface EventPublishRedis {
  pipeline(): EventPipeline;
}

/** What replay and gap fill need from the shared command client: the session's history list. */
export interface EventHistoryRedis {
  lrange(key: string, start: number, stop: number): Promise<string[]>;
}

/** A dedicated pub/sub connection (a subscribed ioredis client can run no other command). */
export interface EventPubSubRedis {
  /** `ready` once it can take commands (ioredis' connection status). */
  readonly status: string;
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'close' | 'end', listener: () => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
  disconnect(): void;
}
