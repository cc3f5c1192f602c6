/** `loadlab profile`: `loadlab serve` under clinic (doctor, flame, heap) while autocannon drives a scenario. */
export { PROFILE_DEFAULTS, PROFILE_SCENARIOS, PROFILE_TOOLS } from './defaults.js';
export { parseDuration, parseScenario, parseTool } from './options.js';
export { removeStaleTraceLogs, resolveClinic } from './clinic.js';
export { PROFILE_MANIFEST, recordProfile } from './artifact.js';
export type { ProfileManifest } from './artifact.js';
export { runProfile } from './run.js';
export type { ClinicProcess } from './internal/clinic-process.js';
