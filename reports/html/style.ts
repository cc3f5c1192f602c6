/**
 * The page's only stylesheet, inlined so audit.html opens offline and from a CI artifact. System
 * fonts only (no web fonts to fetch); a print block keeps charts whole and drops navigation.
 */
export const STYLE = `
:root { --fg: #1d232a; --muted: #5c6670; --line: #d8dde3; --bg: #ffffff; --soft: #f4f6f8; --ok: #1e7d45; --bad: #b3261e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 28px 0 6px; }
h4 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); }
p { margin: 6px 0 10px; }
a { color: #0b5cad; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 3px; }
.muted, .meta { color: var(--muted); font-size: 13px; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .warn { color: var(--warn); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
nav { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 14px 0 4px; padding: 8px 12px; background: var(--soft); border-radius: 6px; font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin: 18px 0; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card.ok { border-left-color: var(--ok); } .card.bad { border-left-color: var(--bad); } .card.warn { border-left-color: var(--warn); }
.card-label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card-value { font-size: 22px; font-weight: 650; margin: 2px 0; }
.card-detail { font-size: 13px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px 8px; background: #fff; break-inside: avoid; page-break-inside: avoid; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart.wide svg { max-width: 860px; margin: 0 auto; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
svg text { font-family: system-ui, sans-serif; fill: #39424b; }
svg .tick { font-size: 11px; } svg .axis-title { font-size: 12px; } svg .legend { font-size: 12px; }
svg .bar-label { font-size: 10px; } svg .mark { font-size: 11px; font-weight: 600; }
svg .axis line, svg .baseline { stroke: #7b858f; stroke-width: 1; }
svg .axis line.grid { stroke: #e6e9ed; }
.table-wrap { overflow-x: auto; margin: 8px 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.prio { display: inline-block; padding: 0 6px; border-radius: 4px; font-weight: 700; font-size: 12px; color: #fff; background: #6b7580; }
.prio.P0 { background: var(--bad); } .prio.P1 { background: #c25e00; } .prio.P2 { background: #8a6d00; }
section.scenario { border-top: 1px solid var(--line); padding-top: 4px; }
@media (max-width: 700px) { .charts { grid-template-columns: 1fr; } main { padding: 14px; } }
@media print {
  @page { size: A4; margin: 14mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  .charts { display: block; }
  figure.chart { margin: 0 0 10px; border-color: #bbb; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .card { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
`;
