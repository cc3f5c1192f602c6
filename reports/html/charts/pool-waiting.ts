/** Pool clients waiting for a connection over time (timelines named "pool..."), per pool size. */
import type { RunResult } from '../../../harness/result/index.js';
import { figure } from './svg.js';
import { findTimelines, timelineCaption, timelineSvg } from './timeline-svg.js';

export function isPoolTimeline(name: string): boolean {
  return /^pool|pool[-_.]wait/i.test(name);
}

export function poolWaitingCharts(result: RunResult): string[] {
  return findTimelines(result, (_s, t) => isPoolTimeline(t.name)).map(({ scenario, timeline }) =>
    figure(timelineSvg('pool-waiting', timeline), timelineCaption(scenario, timeline)),
  );
}
