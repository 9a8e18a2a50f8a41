/**
 * report.html's own stylesheet (uPlot's is inlined beside it). Light on screen and on paper; the
 * print rules make the plots fit the page width and drop what only works with a mouse.
 */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; --aborted: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 16px 24px 40px; background: #fff; color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
p.description { margin: 4px 0 12px; color: var(--muted); }
.verdict { display: inline-block; padding: 1px 10px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 14px; vertical-align: middle; margin-left: 8px; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); } .verdict.aborted { background: var(--aborted); }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.run dt { color: var(--muted); } dl.run dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); }
td.label { white-space: nowrap; color: var(--muted); width: 1%; }
td.mark { width: 1%; font-weight: 700; } td.mark.pass { color: var(--pass); } td.mark.fail { color: var(--fail); }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.error { color: var(--fail); font-weight: 600; }
.caption { color: var(--muted); font-size: 12px; margin: 4px 0; }
.chart { margin: 0; }
.chart + .chart { margin-top: -4px; }
.toolbar { display: flex; gap: 8px; align-items: center; margin: 4px 0; }
.toolbar button { font: inherit; font-size: 12px; padding: 1px 8px; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 6px 8px; margin: 2px 0; white-space: pre-wrap; word-break: break-all; }
.uplot .u-legend { font-size: 12px; }
.uplot .u-legend .u-series > * { padding: 1px 4px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; background: #fff !important; color: #000; }
  .interactive { display: none !important; }
  h2 { break-after: avoid; }
  section.plots, tr, pre { break-inside: avoid; }
  /* Canvases keep their screen size in pixels: scale them into the page's width. */
  .uplot, .uplot .u-wrap { width: 100% !important; height: auto !important; }
  .uplot canvas { position: static !important; width: 100% !important; height: auto !important; }
  .uplot .u-over, .uplot .u-under, .uplot .u-cursor-x, .uplot .u-cursor-y, .uplot .u-cursor-pt, .uplot .u-select, .uplot .u-axis { display: none !important; }
  .uplot .u-legend .u-value { display: none !important; }
}
`;
