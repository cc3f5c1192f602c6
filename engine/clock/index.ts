/** The engine's time port (docs/decisions/009-clock-port.md). */
export { createManualClock, systemClock } from './clock.js';
export type { Clock, ManualClock } from './clock.js';
