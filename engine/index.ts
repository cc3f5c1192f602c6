/** The engine's entry point; each part keeps its own index.ts as its public surface. */
export { createEngine } from './engine.js';
export type { Engine, EngineLlm, EngineMetrics, EngineOptions, SessionOutcome } from './engine.js';
