/** The calibration section of audit.html: loadlab's figures beside independent tools' figures. */
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
import { escapeHtml as h } from '../internal/escape.js';
import { fmtValue, num } from '../internal/format.js';
import { anchors } from '../internal/select.js';
import { htmlTable } from './table.js';

function verdict(r: CalibrationRow): string {
  const few = rowTooFew(r);
  const note = few === null ? '' : `<br><span class="muted">${h(few)}: figures indicative only</span>`;
  const v = rowVerdict(r);
  return `<span class="${v.tone}">${h(v.label)}</span> · ${h(v.detail)}${note}`;
}

export function calibrationHtml(result: RunResult): string {
  const cal = result.calibration;
  if (cal === undefined) return `<p class="empty">${h(NO_CALIBRATION)}</p>`;
  const ran = new Set(result.scenarios.map((s) => s.name));
  const scenario = (name: string): string => (ran.has(name) ? `<a href="#${anchors.scenario(name)}">${h(name)}</a>` : h(name));
  const parts = [`<p>${h(CALIBRATION_INTRO)}</p>`];
  for (const m of cal.methods) parts.push(`<p><strong>Method</strong> (${scenario(m.scenario)}): ${h(m.method)}</p>`);
  parts.push(
    cal.rows.length === 0
      ? '<p class="empty">No figure was calibrated in this run.</p>'
      : htmlTable(
          [...CALIBRATION_COLUMNS],
          cal.rows.map((r) => [
            scenario(r.scenario),
            `<code>${h(r.subject)}</code>`,
            h(r.mode ?? '—'),
            h(r.statistic),
            `${h(fmtValue(r.loadlab, r.unit))} <span class="muted">n=${h(num(r.loadlabN))}</span>`,
            `${h(fmtValue(r.independent, r.unit))} <span class="muted">n=${h(num(r.independentN))}</span>`,
            h(r.tool),
            `${h(num(r.ratio))}x`,
            h(driverText(r)),
            h(boundsText(r)),
            verdict(r),
          ]),
          [4, 5, 7],
        ),
  );
  if (cal.skipped.length > 0) {
    parts.push(
      `<p><strong>Not calibrated:</strong></p><ul>${cal.skipped.map((k) => `<li>${scenario(k.scenario)} <code>${h(k.subject)}</code>: ${h(k.reason)}</li>`).join('')}</ul>`,
    );
  }
  return parts.join('\n');
}
