import type { Engine } from '../../engine.js';
import type { EventSubscriber } from '../../events/index.js';
import type { Logger } from '../../log/index.js';
import type { ApiSettings } from '../defaults.js';
import type { ApiMetrics } from '../metrics.js';
import type { SessionMetadata } from './metadata.js';
import type { StreamRegistry } from './sse.js';

/** What every route module receives from createApiServer. */
export interface RouteContext {
  readonly engine: Engine;
  readonly settings: ApiSettings;
  readonly metrics: ApiMetrics;
  readonly metadata: SessionMetadata;
  readonly subscriber: EventSubscriber;
  readonly streams: StreamRegistry;
  readonly log: Logger;
  /** `audited` reproduces bo1's per-row lookups (N+1); `optimized` batches them. */
  readonly audited: boolean;
}
