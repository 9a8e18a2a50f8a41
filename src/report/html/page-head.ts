import { PAGE_STYLE } from "./page-style.js";
import { escapeHtml } from "./standalone-page.js";
import { uplotAssets } from "./uplot-assets.js";

/**
 * The start of every vipdrill page up to <body>: UTF-8, the Content Security Policy (nothing loads
 * but the scripts it names), the viewport, uPlot's stylesheet and the pages' own.
 */
export function pageHead(page: { csp: string; title: string; generator?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.generator === undefined ? "" : `<meta name="generator" content="${escapeHtml(page.generator)}">\n`}<title>${escapeHtml(page.title)}</title>
<style>${uplotAssets().style}</style>
<style>${PAGE_STYLE}</style>
</head>`;
}
