/** The calibration section: loadlab's figures beside independent tools' figures for the same subjects. */
import type { CalibrationRow, RunResult } from '../../harness/result/index.js';
import {
  boundsText,
  CALIBRATION_COLUMNS,
  CALIBRATION_INTRO,
  driverText,
  NO_CALIBRATION,
  rowTooFew,
  rowVerdict,
} from '../internal/calibration.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtValue, num } from '../internal/format.js';
import { anchors } from '../internal/select.js';
import { anchor, table } from './blocks.js';

function verdict(r: CalibrationRow): string {
  const few = rowTooFew(r);
  const note = few === null ? '' : ` (${few}: figures indicative only)`;
  const v = rowVerdict(r);
  const icon = v.tone === 'ok' ? '✅' : v.tone === 'warn' ? '⚠️' : '❌';
  const label = v.tone === 'bad' ? `**${v.label}**` : v.label;
  return `${icon} ${label} · ${mdText(v.detail)}${note}`;
}

export function calibrationSection(result: RunResult): string {
  const head = `## Calibration\n${anchor(anchors.calibration)}`;
  const cal = result.calibration;
  if (cal === undefined) return `${head}\n\n_${NO_CALIBRATION}_`;
  const ran = new Set(result.scenarios.map((s) => s.name));
  const scenario = (name: string): string => (ran.has(name) ? `[${mdText(name)}](#${anchors.scenario(name)})` : mdText(name));
  const parts = [head, mdText(CALIBRATION_INTRO)];
  if (cal.methods.length > 0) {
    parts.push(`**Method:**\n\n${cal.methods.map((m) => `- ${scenario(m.scenario)}: ${mdText(m.method)}`).join('\n')}`);
  }
  if (cal.rows.length === 0) parts.push('_No figure was calibrated in this run._');
  else {
    const rows = cal.rows.map((r) => [
      scenario(r.scenario),
      mdCode(r.subject),
      r.mode ?? '—',
      r.statistic,
      `${fmtValue(r.loadlab, r.unit)} (n=${num(r.loadlabN)})`,
      `${fmtValue(r.independent, r.unit)} (n=${num(r.independentN)})`,
      mdText(r.tool),
      `${num(r.ratio)}x`,
      driverText(r),
      boundsText(r),
      verdict(r),
    ]);
    parts.push(table([...CALIBRATION_COLUMNS], rows, [4, 5, 7]));
  }
  if (cal.skipped.length > 0) {
    parts.push(
      `**Not calibrated:**\n\n${cal.skipped.map((k) => `- ${scenario(k.scenario)} ${mdCode(k.subject)}: ${mdText(k.reason)}`).join('\n')}`,
    );
  }
  return parts.join('\n\n');
}
