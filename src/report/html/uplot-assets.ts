/**
 * uPlot (MIT), inlined into every report.html: a report must open with no network at all. uPlot
 * rather than hand-drawn SVG because it draws to a canvas and stays fast on 100k+ points, zooms and
 * syncs cursors across rows out of the box, and is ~50 kB minified.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let cached: { script: string; style: string } | undefined;

/** The minified browser build with its licence, and its stylesheet, read from node_modules once. */
export function uplotAssets(): { script: string; style: string } {
  if (cached) return cached;
  const read = (file: string): string => readFileSync(require.resolve(`uplot/${file}`), "utf8");
  // MIT asks for its notice in every copy, and each report.html is one.
  const licence = `/* uPlot, ${read("LICENSE").trim().replace(/\*\//g, "* /")} */\n`;
  cached = { script: licence + read("dist/uPlot.iife.min.js"), style: read("dist/uPlot.min.css") };
  return cached;
}
