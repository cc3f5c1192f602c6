/**
 * Redis-failover timeline: API p95 and error rate around the outage, kill and restart marked.
 * Picked by the harness naming convention: the `redis-failover` scenario, or any timeline whose
 * name mentions failover.
 */
import type { RunResult } from '../../../harness/result/index.js';
import { figure } from './svg.js';
import { findTimelines, timelineCaption, timelineSvg } from './timeline-svg.js';

export function isFailoverTimeline(scenario: string, name: string): boolean {
  return scenario === 'redis-failover' || /failover/i.test(name);
}

export function failoverTimelineCharts(result: RunResult): string[] {
  return findTimelines(result, (s, t) => isFailoverTimeline(s, t.name)).map(({ scenario, timeline }) =>
    figure(timelineSvg('failover-timeline', timeline), timelineCaption(scenario, timeline), true),
  );
}
