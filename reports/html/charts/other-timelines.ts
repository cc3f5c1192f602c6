/** Every remaining timeline of the run, so no recorded evidence is left out of the page. */
import type { RunResult } from '../../../harness/result/index.js';
import { isCostBufferTimeline } from './cost-buffer.js';
import { isFailoverTimeline } from './failover-timeline.js';
import { isPoolTimeline } from './pool-waiting.js';
import { figure } from './svg.js';
import { findTimelines, timelineCaption, timelineSvg } from './timeline-svg.js';

export function otherTimelineCharts(result: RunResult): string[] {
  return findTimelines(result, (s, t) => !isFailoverTimeline(s, t.name) && !isPoolTimeline(t.name) && !isCostBufferTimeline(t.name)).map(
    ({ scenario, timeline }) => figure(timelineSvg('timeline', timeline), timelineCaption(scenario, timeline)),
  );
}
