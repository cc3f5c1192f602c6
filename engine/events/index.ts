/** Session events: publisher (Redis fan-out + batched PostgreSQL persistence) and SSE subscriber (§7). */
export { CRITICAL_EVENT_TYPES, eventKeys, parseEnvelope } from './envelope.js';
export type { EventEnvelope } from './envelope.js';
export type { EventHistoryRedis, EventPipeline, EventPublishRedis, EventPubSubRedis } from './ports.js';
export { EventPublisher } from './publisher.js';
export type { EventCounters, EventPublisherOptions } from './publisher.js';
export { EventSubscriber } from './subscriber.js';
export type { EventSubscriberOptions, StreamMode, SubscribeOptions, Subscription } from './subscriber.js';
