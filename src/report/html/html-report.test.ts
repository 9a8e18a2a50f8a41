import { createHash } from "node:crypto";
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { syntheticDrillReport, syntheticReport } from "../../../test/helpers/synthetic-report.js";
import type { RunAnalysis } from "../../analysis/types.js";
import { figureLines } from "../figures.js";
import { renderHtml } from "./html-report.js";
import { PAGE_SCRIPT } from "./page-script.js";

const report = syntheticDrillReport({ durationMs: 20_000, intervalMs: 10 });
const html = renderHtml(report);
const text = (fragment: string): string => fragment.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const section = (id: string): string => html.match(new RegExp(`<section id="${id}"[^>]*>([\\s\\S]*?)</section>`))![1]!;
const cells = (fragment: string): string[][] =>
  [...fragment.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!)))
    .filter((row) => row.length > 0);

describe("report.html", () => {
  it("header: scenario, description (escaped), verdict, target, VIP, DNS, start time, vipdrill version", () => {
    const header = html.match(/<header>([\s\S]*?)<\/header>/)![1]!;
    expect(header).toMatch(/<h1>synthetic-link-pull <span class="verdict fail">fail<\/span><\/h1>/);
    expect(header).toContain("pull the VIP owner&#39;s link &lt;on purpose&gt; &amp; watch");
    const facts = Object.fromEntries([...header.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((m): [string, string] => [m[1]!, text(m[2]!)]));
    expect(facts).toMatchObject({ target: "lab vipdrill-synthetic", VIP: "172.30.0.200:6443", "DNS name": "api.vipdrill.test", started: "2026-11-25T05:00:00.000Z", vipdrill: report.vipdrill });
  });

  it("an aborted run says aborted, not fail", () => {
    expect(renderHtml({ ...report, aborted: "SIGINT" })).toMatch(/<span class="verdict aborted">aborted<\/span>[\s\S]*<dt>aborted by<\/dt><dd>SIGINT<\/dd>/);
  });

  it("figures in the terminal summary's words, then every budget ✓/✗ with measured, limit and detail", () => {
    const figures = section("figures");
    const [figureTable, budgetTable] = figures.split("<h2>Budgets</h2>");
    expect(cells(figureTable!)).toEqual(figureLines(report));
    expect(cells(budgetTable!)).toEqual(report.budgets.map((b) => [b.pass ? "✓" : "✗", b.name, b.measured, b.limit, b.detail ?? ""]));
    expect(cells(budgetTable!)).toContainEqual(["✗", "errors-after-recovery", "20", "0", "1 more outage window after the first recovery"]);
  });

  it("the lanes as text too (searchable, printable): the fault's commands, every outage window with its ±, who held the VIP", () => {
    const lanes = cells(section("timeline"));
    expect(lanes).toContainEqual(["fault", "T+4.950 s", "T+5.000 s", "inject 50 ms"]);
    const outages = (report.analysis as RunAnalysis).outages;
    expect(lanes.filter((row) => row[0] === "outages")).toHaveLength(outages.length);
    expect(lanes).toContainEqual(["outages", "T+5.020 s ± 10.2 ms", "T+8.400 s ± 10.5 ms", "3.380 s ± 20.6 ms"]);
    expect(lanes.filter((row) => row[0]!.startsWith("VIP on")).map((row) => row.slice(0, 3))).toEqual([
      ["VIP on lb-1", "T+0 ms", "T+5.010 s"],
      ["VIP on lb-1", "T+13.550 s", "T+20.000 s"],
      ["VIP on lb-2", "T+8.100 s", "T+13.550 s"],
    ]);
  });

  it("latency per phase beside the percentile plot: due span, ok, failed, p50 … max", () => {
    const latency = Object.values((report.analysis as RunAnalysis).latency);
    expect(latency.map((l) => l.phase)).toEqual(["baseline", "fault", "recovered", "after-restore"]);
    const rows = cells(section("percentiles"));
    expect(rows.map(([phase, , ...figures]) => [phase, ...figures])).toEqual(
      latency.map((l) => [l.phase, String(l.ok), String(l.failed), `${l.p50} ms`, `${l.p90} ms`, `${l.p99} ms`, `${l["p99.9"]} ms`, `${l.max} ms`]),
    );
    expect(rows[1]![1]).toBe("T+4.950 s → T+9.200 s"); // the fault phase: from S_f to when clients were back for good
  });

  it("the plan's commands per host, and the notes", () => {
    expect(section("plan")).toMatch(/<h3>lb-1<\/h3><p class="caption">inject<\/p><pre><code>ip link set eth0 down<\/code><\/pre><p class="caption">restore<\/p><pre><code>ip link set eth0 up<\/code><\/pre>/);
    const notes = [...section("notes").matchAll(/<li>(.*?)<\/li>/g)].map((m) => text(m[1]!));
    expect(notes).toEqual((report.analysis as RunAnalysis).notes);
    expect(notes.length).toBeGreaterThan(0);
  });

  it("self-contained: nothing to fetch, and a policy that lets only its own two scripts run", () => {
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|<script[^>]+src=|@import|url\(/i);
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)![1]!;
    expect(csp).toMatch(/^default-src 'none'; /);
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
    expect(inline).toHaveLength(2);
    expect(csp).toContain(`script-src ${inline.join(" ")}`);
  });

  it("embedded data cannot close its script element, whatever a description or note says", () => {
    const hostile = { ...report, analysis: { ...(report.analysis as RunAnalysis), notes: ["</script><script>alert(1)</script>"] } };
    const page = renderHtml(hostile);
    const data = page.match(/<script id="vipdrill-data" type="application\/json">([\s\S]*?)<\/script>/)![1]!;
    expect(data).not.toContain("<");
    expect(page).toContain("<li>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</li>");
  });

  it("a run that stopped before the fault: its error in the header, no fault lane, the one outage it saw", () => {
    const early = syntheticReport([{ type: "probe", stream: "fresh", seq: 0, dueMs: 0, sentMs: 0, doneMs: 5, outcome: "tls", latencyMs: 5 }], {
      endMs: 804.7,
      intervalMs: 10,
      error: { code: "VIPDRILL_FAULT_PRECHECK", message: "service no-such-unit is not running on cp-1" },
    });
    const page = renderHtml(early);
    expect(page).toContain('<p class="error">error VIPDRILL_FAULT_PRECHECK: service no-such-unit is not running on cp-1</p>');
    expect(cells(page.match(/<section id="timeline"[\s\S]*?<\/section>/)![0])).toEqual([["outages", "T+0 ms", "T+804.7 ms", "never recovered"]]);
  });

  it("a report.json it cannot draw (another version's) still gives a page, which says so", () => {
    const foreign = { ...report, analysis: { ...(report.analysis as RunAnalysis), outages: undefined } };
    const page = renderHtml(foreign);
    expect(page).toMatch(/<h1>synthetic-link-pull <span class="verdict fail">fail<\/span><\/h1>/);
    expect(page).toMatch(/vipdrill could not draw this report \(.+\): report\.json beside this file holds every figure/);
  });

  it("the page script is valid JavaScript", () => {
    expect(() => new Script(PAGE_SCRIPT)).not.toThrow();
  });
});
