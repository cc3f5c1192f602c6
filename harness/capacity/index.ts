export { fitUsl, uslThroughput } from './usl.js';
export type { ThroughputPoint } from './usl.js';
export { KNEE_DEFAULTS, findKnee } from './knee.js';
export type { Knee, KneeMethod, KneeOptions } from './knee.js';
export { buildCapacityModel, littlesLawCheck } from './model.js';
export type { CapacityModelOptions, LittleOptions } from './model.js';
export { runConcurrencySweep, toCapacityLevel } from './sweep.js';
export type { SweepOptions } from './sweep.js';
