import type { DiskUse } from '../../harness/result/index.js';
import { fmtValue } from './format.js';

/** One line on the run's disk use: the peak the run added, free space, and the preflight estimate. */
export function diskSummary(d: DiskUse | undefined): string {
  if (d === undefined) return 'not recorded';
  const parts = [
    `peak ${fmtValue(d.peakClusterBytes, 'bytes')} in the cluster (this run added ${fmtValue(d.peakAddedBytes, 'bytes')} at its peak; ${d.samples} samples)`,
  ];
  if (d.startFreeBytes !== null)
    parts.push(
      `free where the data lives: ${fmtValue(d.startFreeBytes, 'bytes')} at the start, ${fmtValue(d.minFreeBytes ?? d.startFreeBytes, 'bytes')} at the least`,
    );
  if (d.preflight !== undefined) parts.push(`preflight estimate ${fmtValue(d.preflight.needBytes, 'bytes')} (${d.preflight.where})`);
  return parts.join('; ');
}
