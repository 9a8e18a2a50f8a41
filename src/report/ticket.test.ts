import { describe, expect, it } from "vitest";
import { iterationReport } from "../../test/helpers/iteration-report.js";
import type { ConfigUnderTest } from "../model/config-under-test.js";
import type { Report } from "./report-types.js";
import { renderTicket, ticketOutages } from "./ticket.js";

const CONFIG: ConfigUnderTest = {
  role: "proposed",
  files: [
    { daemon: "keepalived", path: "change/keepalived.conf", sha256: "a".repeat(64) },
    { daemon: "haproxy", path: "change/haproxy.cfg", sha256: "b".repeat(64) },
  ],
  mapping: [{ daemon: "keepalived", file: "change/keepalived.conf", line: 4, item: "interface", production: "ens192", lab: "eth0" }],
  unmapped: ["change/keepalived.conf:9: notify_master /x: production's notification is not run in the lab"],
  sizing: [],
  checks: [],
  overrides: [],
};

/** A drill whose clients were out for outageMs after the fault (its inject command ran 25 ms), its failover predicted within `window`, run on `config`. */
function drill(outageMs: number, window: [number, number], config: ConfigUnderTest = CONFIG): Report {
  const report = iterationReport(outageMs);
  const fault = report.faults[0]!;
  // As the analysis judges it: outside only when the failover's ± lies wholly beyond the window.
  const outside = fault.failoverMs! + fault.precisionMs < window[0] || fault.failoverMs! - fault.precisionMs > window[1];
  return { ...report, configuration: config, faults: [{ ...fault, predicted: { fromMs: window[0], toMs: window[1], terms: [], source: "change/keepalived.conf" }, outsidePrediction: outside }] };
}

const row = (md: string, figure: string): string[] | undefined =>
  md
    .split("\n")
    .find((l) => l.startsWith(`| ${figure} |`))
    ?.split("|")
    .slice(1, -1)
    .map((c) => c.trim());

describe("ticket.md", () => {
  it("says what was tested — scenario, target, each file with its SHA-256 — then predicted against measured and the verdict", () => {
    // Counted from the inject command's return, as the failover is: 25 ms earlier at the start.
    const md = renderTicket(drill(3400, [2625, 3610]));
    expect(md).toMatch(/^## vipdrill: synthetic-link-pull — ✅ PASS\n/);
    expect(md).toContain("- Scenario `synthetic-link-pull`: link-down on vip-owner");
    expect(md).toContain(`  - keepalived \`change/keepalived.conf\` sha256 \`${"a".repeat(64)}\``);
    expect(md).toContain(`  - haproxy \`change/haproxy.cfg\` sha256 \`${"b".repeat(64)}\``);
    expect(row(md, "failover")).toEqual(["failover", "2.6–3.61 s", expect.stringMatching(/^3\.4\d\d s ± [\d.]+ ms$/), "inside the prediction"]);
    expect(md).toMatch(/\*\*Verdict: ✅ PASS\*\* — every budget held/);
    expect(md).toContain("Not mapped onto the lab: 1 item (summary.md lists them with the mapping table).");
  });

  it("flags a failover outside its prediction and names the breached budget", () => {
    const md = renderTicket(drill(6200, [2610, 3610]));
    expect(row(md, "failover")?.[3]).toBe("**outside** the prediction");
    expect(md).toMatch(/\*\*Verdict: ❌ FAIL\*\* — failover 6\.\d+ s ± [\d.]+ ms, limit 5\.000 s\./);
  });

  it("sets today's configuration beside the proposed one, each with its prediction", () => {
    const today = drill(6200, [4635, 6610], { ...CONFIG, role: "baseline", files: [{ daemon: "keepalived", path: "today/keepalived.conf", sha256: "c".repeat(64) }] });
    const md = renderTicket(drill(3400, [2635, 3610]), { baseline: today });
    expect(md).toContain("| figure | today: predicted | today: measured | proposed: predicted | proposed: measured |");
    expect(row(md, "failover")).toEqual(["failover", "4.61–6.61 s", expect.stringMatching(/^6\.2/), "2.61–3.61 s", expect.stringMatching(/^3\.4/)]);
    expect(md).toMatch(/- Today's configuration \(baseline\):\n {2}- keepalived `today\/keepalived\.conf` sha256 `c{64}`\n- Proposed configuration:/);
  });
});

describe("the outages a ticket lists (a drill's, or a watch's during the change)", () => {
  it("gives each window's wall-clock start and end, its length with its ±, and what failed", () => {
    const outages = drill(3400, [0, 1]).faults[0]!.outages;
    expect(ticketOutages(outages, "2026-11-25T05:00:00.000Z", "Outages during the change")).toEqual([
      "**Outages during the change:** 1",
      "",
      // The last success before the first failure (5.020 s) to the first probe of the stable recovery (8.400 s).
      "- 05:00:05.020 UTC → 05:00:08.400 UTC: 3.380 s ± 20.5 ms, 337 failed probes (connect-timeout 337)",
      "",
    ]);
  });

  it("says none when clients saw none", () => {
    expect(ticketOutages([], "2026-11-25T05:00:00.000Z")).toEqual(["**Outages clients saw:** none — no probe failed.", ""]);
  });
});
