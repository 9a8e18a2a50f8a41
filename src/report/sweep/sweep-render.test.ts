import { describe, expect, it } from "vitest";
import { sweepCharts, sweepMarkdown } from "./sweep-render.js";
import type { SweepEntry, SweepReport } from "./sweep-report.js";

const none = { value: null, precision: null };
function entry(advertInt: number, failoverMs: number, window: [number, number], outside: boolean): SweepEntry {
  return {
    settings: [{ key: "keepalived.advert_int", text: String(advertInt), value: advertInt }],
    dir: `advert_int-${advertInt}/run`,
    verdict: "pass",
    exitCode: 0,
    implied: advertInt < 1 ? ["advert_int 0.5 needs VRRPv3"] : [],
    predicted: { fromMs: window[0], toMs: window[1], terms: [], source: "the lab's templates" },
    // The link was pulled somewhere in the 300 ms the inject command ran.
    injectCommandMs: 300,
    outsidePrediction: outside,
    figures: { failover: { value: failoverMs, precision: 10.2 }, vipMove: { value: failoverMs - 5, precision: 1 }, outage: none, failback: none, failedProbes: { value: 300, precision: null } },
  };
}

const REPORT: SweepReport = {
  vipdrill: "0.1.0",
  scenario: { name: "link-pull-vip-owner", file: "/s.yaml" },
  startedAt: "2026-12-01T21:30:38.307Z",
  lab: "config-dev",
  keys: ["keepalived.advert_int"],
  repeat: 1,
  entries: [entry(1, 3340, [2609.375, 3609.375], false), entry(0.5, 1250, [1304.6875, 1804.6875], false), entry(2, 7000, [4609.375, 6609.375], true)],
  notDrilled: [],
  wallMs: 156_000,
};

const rows = (md: string): string[][] =>
  md
    .split("\n")
    .filter((l) => /^\| (1|0\.5|2) \|/.test(l))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));

describe("sweep.md", () => {
  it("sets each combination's figures beside the window its settings predict, counted from the inject command's return", () => {
    expect(rows(sweepMarkdown(REPORT)).map((r) => [r[0], r[1], r[2], r[7]])).toEqual([
      ["1", "2.31–3.61 s", "3.340 s ± 10.2 ms", "inside"],
      ["0.5", "1–1.8 s", "1.250 s ± 10.2 ms", "inside"],
      ["2", "4.31–6.61 s", "7.000 s ± 10.2 ms", "OUTSIDE"],
    ]);
    expect(sweepMarkdown(REPORT)).toContain("- advert_int 0.5 needs VRRPv3");
  });
});

describe("sweep.html's charts", () => {
  it("plots each figure against the setting's value, the predicted window as a bar just beside the measured failover", () => {
    const [failover, vipMove] = sweepCharts(REPORT);
    expect(failover!.kind).toBe("points");
    if (failover!.kind !== "points") return;
    expect(failover!.xTicks).toEqual([
      { x: 1, label: "1" },
      { x: 0.5, label: "0.5" },
      { x: 2, label: "2" },
    ]);
    const [predicted, measured] = failover!.series;
    expect(measured!.points).toEqual([
      { x: 1, y: 3340, pm: 10.2 },
      { x: 0.5, y: 1250, pm: 10.2 },
      { x: 2, y: 7000, pm: 10.2 },
    ]);
    // From 300 ms before the window's start (the inject command's run) to its end; 2 % of the x span to the left.
    expect(predicted!.points[0]).toEqual({ x: 1 - 0.03, y: (2309.375 + 3609.375) / 2, pm: (3609.375 - 2309.375) / 2 });
    expect(vipMove!.title).toBe("VIP move against keepalived.advert_int");
  });
});
