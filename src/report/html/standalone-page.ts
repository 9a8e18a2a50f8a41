/**
 * A self-contained page for compare and trend: uPlot and the figure charts' script inlined, report.html's
 * stylesheet, and a Content Security Policy that lets it load nothing, so it opens the same offline.
 */
import { createHash } from "node:crypto";
import { FIGURE_CHARTS_SCRIPT } from "./figure-charts-script.js";
import { FIGURE_CHARTS_DATA_ID, type FigureChart } from "./figure-charts.js";
import { pageHead } from "./page-head.js";
import { uplotAssets } from "./uplot-assets.js";

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text for HTML, any of it. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The charts' JSON and scripts for a page that also has others: the JSON element, and the scripts with their CSP hashes. */
export function figureChartsAssets(charts: readonly FigureChart[]): { json: string; scripts: string[] } {
  // "<" escaped, so no string in the data can close the element.
  const json = `<script id="${FIGURE_CHARTS_DATA_ID}" type="application/json">${JSON.stringify(charts).replace(/</g, "\\u003c")}</script>`;
  return { json, scripts: [FIGURE_CHARTS_SCRIPT] };
}

export const cspHash = (script: string): string => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;

export function standalonePage(page: { title: string; body: string; charts: readonly FigureChart[] }): string {
  const uplot = uplotAssets();
  const assets = figureChartsAssets(page.charts);
  const scripts = [uplot.script, ...assets.scripts];
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src ${scripts.map(cspHash).join(" ")}`;
  return `${pageHead({ csp, title: page.title })}
<body>
${page.body}
${assets.json}
${scripts.map((s) => `<script>${s}</script>`).join("\n")}
</body>
</html>
`;
}
