/**
 * report.html in a real browser (Debian's Chromium via playwright-core; scripts/setup-browser.sh):
 * the page opens offline without an error, and what it draws is where report.json says — checked
 * with what the page says it plotted, against uPlot's own scale, and in the canvas's pixels.
 * Needs no Docker: the report comes from a synthetic timeline.
 */
import { mkdir, mkdtemp, readFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunAnalysis } from "../../src/analysis/types.js";
import { LANE_COLORS, OUTCOME_COLORS } from "../../src/report/html/palette.js";
import type { Report } from "../../src/report/report.js";
import { writeReport } from "../../src/report/report.js";
import { launchChromium, type Chromium } from "../helpers/chromium.js";
import { ROOT } from "../helpers/cli.js";
import { syntheticDrillReport, syntheticDrillTimes, syntheticReport } from "../helpers/synthetic-report.js";

// What the page exposes, as this test reads it (tsconfig has no DOM library: only what is used here).
interface Drawn { lane: string; label: string; fromMs: number; toMs: number; leftPx: number; rightPx: number; topPx: number; heightPx: number }
interface Plotted {
  outages: Array<{ phase: string; startMs: number; endMs: number | null; startPrecisionMs: number | null; endPrecisionMs: number | null }>;
  faultWindow: { injectStartMs: number; injectedAtMs: number; restoreStartMs: number | null; restoredAtMs: number | null };
  drawn: { lanes: Drawn[]; outages: Drawn[] };
}
interface Chart {
  scales: { x: { min: number; max: number } };
  bbox: { left: number; top: number };
  ctx: { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
  valToPos(value: number, scale: string, canvasPixels?: boolean): number;
  setScale(scale: string, limits: { min: number; max: number }): void;
}
type ChartName = "outcomes" | "latency" | "lanes" | "percentiles";
declare const window: { vipdrillPlotted: Plotted; vipdrillCharts: Record<ChartName, Chart>; vipdrillReadyMs?: number };
declare const uPlot: { pxRatio: number };
declare const document: { body: { clientWidth: number }; querySelector(selector: string): unknown; querySelectorAll(selector: string): ArrayLike<{ clientWidth: number }> };
declare function getComputedStyle(element: unknown): { display: string; backgroundColor: string };

const ARTEFACTS = join(ROOT, "reports", "test-artefacts");
const DURATION_MS = 20_000;
const T = syntheticDrillTimes(DURATION_MS);
const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe("report.html in Chromium", () => {
  let chromium: Chromium;
  let page: Page;
  let json: Report;
  let dir: string;
  let problems: string[];
  let requests: string[];

  /** A report's page, once drawn, with what went wrong on it and every request it made. */
  const open = async (report: Report): Promise<{ page: Page; dir: string; problems: string[]; requests: string[] }> => {
    const written = await writeReport(report, await mkdtemp(join(tmpdir(), "vipdrill-html-")));
    const opened = { page: await chromium.context.newPage(), dir: written, problems: [] as string[], requests: [] as string[] };
    opened.page.on("request", (request) => opened.requests.push(request.url()));
    opened.page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") opened.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    opened.page.on("pageerror", (error) => opened.problems.push(`page error: ${error.message}`));
    await opened.page.goto(pathToFileURL(join(written, "report.html")).href);
    await opened.page.waitForFunction(() => window.vipdrillReadyMs !== undefined, null, { timeout: 10_000 });
    return opened;
  };

  beforeAll(async () => {
    chromium = await launchChromium();
    // Nothing may leave the machine: anything but the file itself is refused and reported.
    await chromium.context.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
    ({ page, dir, problems, requests } = await open(syntheticDrillReport({ durationMs: DURATION_MS, intervalMs: 10 })));
    json = JSON.parse(await readFile(join(dir, "report.json"), "utf8")) as Report;
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
  });

  /** The colour of one canvas pixel of a chart, at canvas coordinates. */
  const pixel = (chart: ChartName, x: number, y: number): Promise<number[]> =>
    page.evaluate(([name, px, py]) => Array.from(window.vipdrillCharts[name].ctx.getImageData(Math.round(px), Math.round(py), 1, 1).data).slice(0, 3), [chart, x, y] as const);
  /** uPlot's own position of a time (ms) on a chart's x axis, in canvas pixels. */
  const xAt = (chart: ChartName, ms: number): Promise<number> => page.evaluate(([name, v]) => window.vipdrillCharts[name].valToPos(v / 1000, "x", true), [chart, ms] as const);
  const plotted = (): Promise<Plotted> => page.evaluate(() => window.vipdrillPlotted);
  /** Canvas y a little below the top of a drawn lane segment: clear of its label and its ± bars. */
  const laneY = (drawn: Drawn): Promise<number> =>
    page.evaluate((top) => window.vipdrillCharts.lanes.bbox.top + (top + 2) * uPlot.pxRatio, drawn.topPx);

  it("opens from file:// with no console error and no request but the file itself", () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(join(dir, "report.html")).href]);
  });

  it("plots every outage window of report.json — the fault's, the failback's, the baseline's — and the fault window", async () => {
    const p = await plotted();
    const analysis = json.analysis as RunAnalysis;
    const when = (o: { startMs: number; endMs: number | null; startPrecisionMs: number | null; endPrecisionMs: number | null }) => [o.startMs, o.endMs, o.startPrecisionMs, o.endPrecisionMs];
    expect(p.outages.map(when)).toEqual(analysis.outages.map(when));
    const fault = json.faults[0]!;
    expect(fault.outages).toHaveLength(2);
    expect(fault.failbackOutages).toHaveLength(1);
    for (const o of [...fault.outages, ...fault.failbackOutages]) expect(p.outages.map(when)).toContainEqual(when(o));
    expect(p.outages.map((o) => o.phase)).toEqual(["baseline", "fault", "fault", "restore"]);
    expect(p.faultWindow).toEqual({ injectStartMs: fault.injectStartMs, injectedAtMs: fault.injectedAtMs, restoreStartMs: fault.restoreStartMs, restoredAtMs: fault.restoredAtMs });
    const faultLane = p.drawn.lanes.filter((d) => d.lane === "fault").map((d) => [d.label, d.fromMs, d.toMs]);
    expect(faultLane).toEqual([
      ["inject 50 ms", T.injectStartMs, T.injectedAtMs],
      ["fault held", T.injectedAtMs, T.restoreStartMs],
      ["restore 50 ms", T.restoreStartMs, T.restoredAtMs],
    ]);
    const held = p.drawn.lanes.find((d) => d.label === "fault held")!;
    const y = await laneY(held);
    const yellow = rgb(LANE_COLORS.faultHeld);
    expect(await pixel("lanes", (await xAt("lanes", T.injectedAtMs)) + 3, y), "just after T_f").toEqual(yellow);
    expect(await pixel("lanes", (await xAt("lanes", T.restoreStartMs)) - 3, y), "just before S_r").toEqual(yellow);
    expect(await pixel("lanes", (await xAt("lanes", T.injectStartMs)) - 3, y), "before S_f").not.toEqual(yellow);
  });

  it("each outage band spans uPlot's positions of its start and end, in the canvas's pixels too", async () => {
    const p = await plotted();
    const ratio = await page.evaluate(() => uPlot.pxRatio);
    const bboxLeft = await page.evaluate(() => window.vipdrillCharts.lanes.bbox.left);
    expect(p.drawn.outages).toHaveLength(p.outages.length);
    for (const [i, o] of p.outages.entries()) {
      const drawn = p.drawn.outages[i]!;
      const from = await xAt("lanes", o.startMs);
      const to = await xAt("lanes", o.endMs ?? DURATION_MS);
      // In CSS px from the plot's left edge; a band under 2 px is widened about its middle, onto whole pixels.
      const left = (from - bboxLeft) / ratio;
      const right = (to - bboxLeft) / ratio;
      expect(Math.abs((drawn.leftPx + drawn.rightPx) / 2 - (left + right) / 2), `outage ${i}'s middle`).toBeLessThanOrEqual(right - left >= 2 ? 0.01 : 0.5);
      expect(drawn.rightPx - drawn.leftPx).toBeCloseTo(Math.max(2, right - left), 2);
      const colour = rgb(LANE_COLORS.outage[o.phase as keyof typeof LANE_COLORS.outage]);
      expect(await pixel("lanes", (from + to) / 2, await laneY(drawn)), `outage ${i} at its middle`).toEqual(colour);
    }
  });

  it("zoomed in on the fault's first window: its edges sit at uPlot's positions, its ± drawn around them, every row zoomed alike", async () => {
    const o = (await plotted()).outages[1]!;
    await page.evaluate((ms) => window.vipdrillCharts.lanes.setScale("x", { min: ms / 1000 - 0.1, max: ms / 1000 + 0.1 }), o.startMs);
    try {
      await zoomedChecks(o);
    } finally {
      await page.evaluate((end) => window.vipdrillCharts.lanes.setScale("x", { min: 0, max: end / 1000 }), DURATION_MS);
    }
  });

  const zoomedChecks = async (o: Plotted["outages"][number]): Promise<void> => {
    const scales = await page.evaluate(() => (["outcomes", "latency", "lanes"] as const).map((name) => window.vipdrillCharts[name].scales.x));
    for (const scale of scales) expect([scale.min, scale.max]).toEqual([o.startMs / 1000 - 0.1, o.startMs / 1000 + 0.1]);
    const drawn = (await plotted()).drawn.outages[1]!;
    const y = await laneY(drawn);
    const ratio = await page.evaluate(() => uPlot.pxRatio);
    const start = await xAt("lanes", o.startMs);
    const before = await xAt("lanes", o.startMs - o.startPrecisionMs!);
    expect(start - before).toBeGreaterThan(40 * ratio); // ± 10 ms over a 200 ms view
    const red = rgb(LANE_COLORS.outage.fault);
    expect(await pixel("lanes", start + 3 * ratio, y), "just after the start").toEqual(red);
    expect(await pixel("lanes", start - 3 * ratio, y), "just before the start").not.toEqual(red);
    expect(await pixel("lanes", before - 3 * ratio, y), "before the start's ±").not.toEqual(red);
    await page.dblclick("#chart-lanes .u-over");
    const reset = await page.evaluate(() => window.vipdrillCharts.outcomes.scales.x);
    expect([reset.min, reset.max]).toEqual([0, DURATION_MS / 1000]);
  };

  it("the wheel zooms every row about the pointer, shift+wheel pans them, the reset button shows the whole run again", async () => {
    const xScales = () => page.evaluate(() => (["outcomes", "latency", "lanes"] as const).map((name) => [window.vipdrillCharts[name].scales.x.min, window.vipdrillCharts[name].scales.x.max]));
    const plot = page.locator("#chart-outcomes .u-over");
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -100);
    await page.waitForFunction(() => window.vipdrillCharts.lanes.scales.x.max - window.vipdrillCharts.lanes.scales.x.min < 20);
    const zoomed = await xScales();
    expect(new Set(zoomed.map((s) => s.join()))).toHaveProperty("size", 1);
    const [min, max] = zoomed[0]!;
    expect(max! - min!).toBeCloseTo(15, 6); // a quarter less of 20 s
    expect((min! + max!) / 2).toBeCloseTo(10, 0); // about the pointer, mid-run
    await page.keyboard.down("Shift");
    await page.mouse.wheel(0, 100);
    await page.keyboard.up("Shift");
    await page.waitForFunction((from) => window.vipdrillCharts.outcomes.scales.x.min > from, min!);
    const [panMin, panMax] = (await xScales())[0]!;
    expect(panMax! - panMin!).toBeCloseTo(15, 6);
    await page.click("#reset-zoom");
    expect(await xScales()).toEqual([[0, 20], [0, 20], [0, 20]]);
  });

  it("the VIP lanes show who held it: lb-1 until the fault, lb-2 after the move, lb-1 again after the preemption", async () => {
    const drawn = (await plotted()).drawn.lanes.filter((d) => d.lane.startsWith("VIP on"));
    expect(drawn.map((d) => [d.lane, d.label, d.fromMs, d.toMs])).toEqual([
      ["VIP on lb-1", "holds the VIP", 0, T.injectedAtMs + 10],
      ["VIP on lb-1", "holds the VIP", T.restoredAtMs + 500, DURATION_MS],
      ["VIP on lb-2", "holds the VIP", T.injectedAtMs + 3100, T.restoredAtMs + 500.5],
    ]);
    const blue = rgb(LANE_COLORS.vip);
    const lb2 = drawn[2]!;
    expect(await pixel("lanes", await xAt("lanes", (lb2.fromMs + lb2.toMs) / 2), await laneY(lb2))).toEqual(blue);
    expect(await pixel("lanes", await xAt("lanes", T.injectedAtMs / 2), await laneY(lb2)), "lb-2 before the fault").not.toEqual(blue);
  });

  it("a single failed probe in the baseline shows in its kind's row", async () => {
    const y = await page.evaluate(() => {
      const u = window.vipdrillCharts.outcomes;
      // Rows are ok, connect-refused, connect-timeout, tls, reset, skipped: tls is the 4th from the top of 6.
      return u.valToPos(6 - 3 - 0.5, "rows", true);
    });
    expect(await pixel("outcomes", await xAt("outcomes", T.baselineBlipMs + 5), y)).toEqual(rgb(OUTCOME_COLORS.tls));
  });

  it("a run that stopped before the fault, with no success at all, still opens cleanly: the rows it has, no percentile plot", async () => {
    const early = await open(
      syntheticReport([{ type: "probe", stream: "fresh", seq: 0, dueMs: 0, sentMs: 0, doneMs: 5, outcome: "tls", latencyMs: 5 }], {
        endMs: 804.7,
        intervalMs: 10,
        error: { code: "VIPDRILL_FAULT_PRECHECK", message: "service no-such-unit is not running on cp-1" },
      }),
    );
    expect(early.problems).toEqual([]);
    const drawn = await early.page.evaluate(() => ({ charts: Object.keys(window.vipdrillCharts).sort(), lanes: window.vipdrillPlotted.drawn.lanes.map((d) => [d.lane, d.label]) }));
    expect(drawn).toEqual({ charts: ["lanes", "latency", "outcomes"], lanes: [["outages", "never recovered"]] });
    await early.page.close();
  });

  it("prints on a light page, plots within the page width, without the interactive controls; keeps a screenshot", async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, "html-report.png"), fullPage: true });
    await copyFile(join(dir, "report.html"), join(ARTEFACTS, "html-report.html"));
    await page.emulateMedia({ media: "print" });
    const print = await page.evaluate(() => ({
      background: getComputedStyle(document.querySelector("body")).backgroundColor,
      toolbar: getComputedStyle(document.querySelector(".toolbar")).display,
      page: document.body.clientWidth,
      canvases: Array.from(document.querySelectorAll(".uplot canvas")).map((c) => c.clientWidth),
    }));
    expect(print.background).toBe("rgb(255, 255, 255)");
    expect(print.toolbar).toBe("none");
    expect(print.canvases).toHaveLength(4);
    for (const width of print.canvases) expect(width).toBeLessThanOrEqual(print.page);
    await page.screenshot({ path: join(ARTEFACTS, "html-report-print.png"), fullPage: true });
    await page.emulateMedia({ media: "screen" });
  });
});
