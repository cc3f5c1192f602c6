export type {
  Fault,
  FaultHandles,
  FaultKind,
  FaultScheduleEntry,
  LlmErrorSpec,
  LlmFaultHandle,
  PgFaultHandle,
  ProxyDirection,
  ProxyFaultHandle,
  RedisFaultHandle,
} from './types.js';
export { applyFault, describeFault } from './apply.js';
export type { AppliedEffect } from './apply.js';
export { startFaultSchedule } from './schedule.js';
export type { AppliedFault, FaultRun, FaultRunOptions, FaultRunReport } from './schedule.js';
export { FaultProxy } from './proxy.js';
export type { FaultProxyOptions, FaultProxyStats } from './proxy.js';
