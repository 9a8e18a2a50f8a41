import { describe, expect, it } from "vitest";
import { probes, vipAdded, vipRemoved } from "../../test/helpers/synthetic-timeline.js";
import type { Topology } from "../model/host.js";
import { Timeline, type MarkEvent } from "../model/timeline.js";
import { renderMarkdown } from "./markdown.js";
import { renderTicket } from "./ticket.js";
import { buildWatchReport } from "./watch-report.js";

const topology = { kind: "inventory", name: "prod", hosts: [], endpoint: { vip: "10.0.0.200", port: 6443, dns: "api" }, haproxy: { socket: "/s", backend: "b" } } as unknown as Topology;
const probeSpec = { intervalMs: 10, timeoutMs: 1000, path: "/version", expect: "version" as const, maxInFlight: 216, keepAliveConnections: 0, keepAliveIntervalMs: 100 };
const mark = (atMs: number, text: string): MarkEvent => ({ type: "mark", atMs, text, source: "command" });

/** A watch of 30 s: an outage 12.000–15.500 s after the operator's mark at 11 s, the VIP moving to lb-2 at 15.4 s. */
function watchReport(fail: ReadonlyArray<readonly [number, number, "timeout"]>, answered = true) {
  const timeline = new Timeline();
  for (const e of [
    ...probes({ from: 0, to: 30_000, intervalMs: 10, fail }),
    vipAdded("lb-1", 0),
    mark(11_000, "draining lb-1"),
    vipRemoved("lb-1", 12_005),
    vipAdded("lb-2", 15_400),
  ]) {
    timeline.append(e);
  }
  return buildWatchReport({
    topology,
    events: timeline.events,
    probes: timeline.probeColumns("fresh"),
    probeSpec,
    startedAt: new Date("2026-12-01T05:00:00.000Z"),
    endMs: 30_000,
    error: undefined,
    vipTimePrecisionMs: 1,
    answered,
  });
}

describe("a watch's report", () => {
  it("gives every outage with its ±, the marks and the periods between them, and no drill notes", () => {
    const report = watchReport([[12_000, 15_500, "timeout"]]);
    expect(report.kind).toBe("watch");
    const outages = (report.analysis as { outages: Array<{ startMs: number; durationMs: number; precisionMs: number }> }).outages;
    expect(outages.map((o) => [o.startMs, o.durationMs, o.precisionMs])).toEqual([[11_990, 3_510, 20]]);
    expect(report.marks.map((m) => m.text)).toEqual(["draining lb-1"]);
    expect(report.periods.map((p) => [p.label, p.fromMs, p.toMs])).toEqual([["start", 0, 11_000], ["draining lb-1", 11_000, 30_000]]);
    expect((report.analysis as { notes: string[] }).notes.filter((n) => /fault/.test(n))).toEqual([]);
    expect(report.budgets).toEqual([]);
  });

  it("heads summary.md with what clients saw, not a pass a watch cannot earn", () => {
    expect(renderMarkdown(watchReport([[12_000, 15_500, "timeout"]])).split("\n")[0]).toBe("# watch: 1 outage");
    expect(renderMarkdown(watchReport([[12_000, 30_000, "timeout"]])).split("\n")[0]).toBe("# watch: 1 outage, the last still going at the end");
    expect(renderMarkdown(watchReport([])).split("\n")[0]).toBe("# watch: no outage");
    expect(renderMarkdown(watchReport([[0, 30_000, "timeout"]], false)).split("\n")[0]).toBe("# watch: ❌ fail");
  });

  it("gives a ticket the outages during the change at their wall-clock times, the marks and each period's latency", () => {
    const md = renderTicket(watchReport([[12_000, 15_500, "timeout"]]));
    const lines = md.split("\n");
    expect(lines[0]).toBe("## vipdrill watch: 1 outage");
    expect(md).toContain("(2026-12-01T05:00:00.000Z → 05:00:30.000 UTC, 30.000 s;");
    expect(lines).toContain("- 05:00:11.000 UTC: draining lb-1");
    // Last success due at 11.990 s, stable recovery from 15.500 s: 3.510 s ± 20 ms (both brackets of 10 ms); 350 failed.
    expect(lines).toContain("**Outages clients saw during the change:** 1");
    expect(lines).toContain("- 05:00:11.990 UTC → 05:00:15.500 UTC: 3.510 s ± 20 ms, 350 failed probes (timeout 350)");
    expect(lines.filter((l) => /^\| (start|draining lb-1) \|/.test(l)).map((l) => l.split("|").slice(1, 6).map((c) => c.trim()))).toEqual([
      ["start", "05:00:00.000", "05:00:11.000", "1100", "0"],
      ["draining lb-1", "05:00:11.000", "05:00:30.000", "1900", "350"],
    ]);
    expect(md).not.toMatch(/PASS|Predicted|budget/);
    expect(renderTicket(watchReport([])).split("\n")).toContain("**Outages clients saw during the change:** none — no probe failed.");
    expect(renderTicket(watchReport([[0, 30_000, "timeout"]], false)).split("\n")[0]).toBe("## vipdrill watch: ❌ FAIL — the endpoint never answered a probe");
  });
});
