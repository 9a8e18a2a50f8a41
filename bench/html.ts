/**
 * report.html's size and first paint (`npm run bench`, no Docker; needs /usr/bin/chromium, see
 * scripts/setup-browser.sh): a 10 min drill at 200 probes/s — 120,000 probe events — rendered,
 * then opened in headless Chromium. Goals: ≤ 1 MB, first paint ≤ 1 s. Figures printed, not
 * asserted (timed tests flake).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderHtml } from "../src/report/html/html-report.js";
import { launchChromium } from "../test/helpers/chromium.js";
import { syntheticDrillReport } from "../test/helpers/synthetic-report.js";
import { lineWriter } from "./line-writer.js";

// The page's globals this bench reads (no DOM library in tsconfig).
declare const window: { vipdrillReadyMs?: number; vipdrillPlotted: { bucketMs: number } };

const RUNS = 3;
const line = lineWriter(48);
const ms = (value: number): string => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  let t = performance.now();
  const report = syntheticDrillReport({ durationMs: 600_000, intervalMs: 5 });
  line("10 min at 200/s: report built", `${report.probes.sent.toLocaleString("en")} probes in ${ms(performance.now() - t)}`);
  const renders: number[] = [];
  let html = "";
  for (let run = 0; run < RUNS; run++) {
    t = performance.now();
    html = renderHtml(report);
    renders.push(performance.now() - t);
  }
  const bytes = Buffer.byteLength(html);
  line(`report.html rendered (${RUNS} runs)`, renders.map(ms).join(" / "));
  line("  size", `${(bytes / 1024).toFixed(0)} KiB = ${(bytes / 1e6).toFixed(3)} MB (goal ≤ 1 MB)`);
  const dir = await mkdtemp(join(tmpdir(), "vipdrill-bench-html-"));
  const file = join(dir, "report.html");
  await writeFile(file, html);
  const chromium = await launchChromium();
  try {
    const paints: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await chromium.context.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.waitForFunction(() => window.vipdrillReadyMs !== undefined);
      const timing = await page.evaluate(() => {
        // The browser's entry types, which Node's typings do not know. (No named function in here:
        // tsx would wrap it in a helper the page does not have.)
        const browser = performance as unknown as { getEntriesByType(type: string): Array<{ name: string; startTime: number; loadEventEnd?: number }> };
        return {
          firstPaintMs: browser.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint")?.startTime ?? NaN,
          chartsMs: window.vipdrillReadyMs ?? NaN,
          loadMs: browser.getEntriesByType("navigation")[0]?.loadEventEnd ?? NaN,
          bucketMs: window.vipdrillPlotted.bucketMs,
        };
      });
      paints.push(`FCP ${ms(timing.firstPaintMs)}, charts drawn ${ms(timing.chartsMs)}, load ${ms(timing.loadMs)} (buckets of ${timing.bucketMs} ms)`);
      await page.close();
    }
    paints.forEach((paint, i) => line(i === 0 ? "Chromium: first paint / charts (from navigation)" : "", paint));
    line("", "(goal: first paint ≤ 1 s)");
  } finally {
    await chromium.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
