/** Cost-tracker buffer and retry-queue depth over time (timelines named "cost-buffer..."). */
import type { RunResult } from '../../../harness/result/index.js';
import { figure } from './svg.js';
import { findTimelines, timelineCaption, timelineSvg } from './timeline-svg.js';

export function isCostBufferTimeline(name: string): boolean {
  return /cost[-_.]?buffer/i.test(name);
}

export function costBufferCharts(result: RunResult): string[] {
  return findTimelines(result, (_s, t) => isCostBufferTimeline(t.name)).map(({ scenario, timeline }) =>
    figure(timelineSvg('cost-buffer', timeline), timelineCaption(scenario, timeline)),
  );
}
