import { formatDurationMs, formatSinceInject, formatWithPrecision } from "../analysis/format.js";
import type { RunAnalysis } from "../analysis/types.js";
import type { Report } from "./report-types.js";

const failedProbes = (n: number): string => `${n} failed probe${n === 1 ? "" : "s"}`;

/** The figures of a report as labelled lines, shared by the terminal summary and Markdown. */
export function figureLines(report: Report): Array<[string, string]> {
  const analysis = report.analysis as RunAnalysis;
  const lines: Array<[string, string]> = [];
  const f = report.faults[0];
  const a = analysis.fault;
  if (f && a) {
    lines.push(["fault", `${f.type} on ${f.hosts.join(", ")} (${f.target}), injected at T+${formatDurationMs(a.injectedAtMs)} (command took ${formatDurationMs(a.injectedAtMs - a.injectStartMs)})`]);
    lines.push([
      "failover",
      f.failoverMs === null
        ? "never recovered before the end of the run"
        : a.outage === null
          ? "0 ms — no probe failed"
          : f.failoverMs === 0
            ? `0 ms ± ${formatDurationMs(f.precisionMs)} — recovered before the inject command returned (it took ${formatDurationMs(a.injectedAtMs - a.injectStartMs)}); see the outage`
            : `${formatWithPrecision(f.failoverMs, f.precisionMs)}  (fault injected → first probe of a stable recovery)`,
    ]);
    if (a.outage && f.outageMs !== null) {
      lines.push([
        "outage",
        `${formatWithPrecision(f.outageMs, f.outagePrecisionMs)}  (what clients saw: last ok T+${formatDurationMs(a.outage.startMs)} → recovered T+${formatDurationMs(a.outage.endMs ?? a.outage.startMs)}, ${failedProbes(a.outage.failedProbes)})`,
      ]);
    }
    lines.push([
      "VIP",
      f.vipMoveMs === null
        ? `stayed on ${a.vipOwnerBefore ?? "no host"}`
        : `${a.vipOwnerBefore ?? "none"} → ${a.vipMovedTo ?? "?"} ` +
          (f.vipMoveMs < 0
            ? `${formatSinceInject(f.vipMoveMs, f.vipMovePrecisionMs)} (it took ${formatDurationMs(a.injectedAtMs - a.injectStartMs)})`
            : `in ${formatWithPrecision(f.vipMoveMs, f.vipMovePrecisionMs)} after the fault`) +
          (a.vipMoveBackMs !== null ? `; → ${a.vipMovedBackTo ?? "?"} ${formatDurationMs(a.vipMoveBackMs)} after the restore` : ""),
    ]);
    if (a.restoredAtMs !== null) {
      lines.push([
        "failback",
        a.failbackMs === null
          ? "never recovered after the restore"
          : a.failbackOutage === null
            ? "0 ms — no probe failed after the restore"
            : `${formatWithPrecision(a.failbackMs, a.failbackPrecisionMs)}  (a second outage after the restore: ${failedProbes(a.failbackOutage.failedProbes)})`,
      ]);
    }
    if (a.flaps > 0 || a.errorsAfterRecovery > 0) lines.push(["after recovery", `${failedProbes(a.errorsAfterRecovery)}, ${a.flaps} flaps`]);
  }
  // Keepalived's own account, as evidence beside the probes' (state changes after the baseline).
  const from = a?.injectStartMs ?? 0;
  // In the order Keepalived logged them: a host cut off by the fault reports its own late.
  const vrrp = report.timeline
    .flatMap((e) => (e.type === "vrrp-state" && e.atMs >= from ? [e] : []))
    .sort((a, b) => a.atMs - b.atMs)
    .map((e) => `${e.host} ${e.state} T+${formatDurationMs(e.atMs)}`);
  if (vrrp.length > 0) lines.push(["keepalived", vrrp.join(", ")]);
  const p = report.probes;
  const kinds = Object.entries(p.byOutcome)
    .filter(([k]) => k !== "ok")
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  lines.push([
    "probes",
    `${p.sent} fresh TLS every ${formatDurationMs(p.intervalMs)}, ${p.failed} failed${kinds ? ` (${kinds})` : ""}, ${p.skipped} skipped; scheduler lag p50 ${formatDurationMs(p.schedulerLagMs.p50)}, p99 ${formatDurationMs(p.schedulerLagMs.p99)}`,
  ]);
  const phases = Object.values(analysis.latency)
    .filter((l) => l.ok > 0)
    .map((l) => `${l.phase} ${fmt(l.p50)}/${fmt(l.p99)}/${fmt(l.max)}`);
  if (phases.length > 0) lines.push(["latency", `p50/p99/max ms — ${phases.join(" · ")}`]);
  if (analysis.splitBrain.length > 0) {
    lines.push(["split brain", analysis.splitBrain.map((s) => `${s.hosts.join("+")} for ${formatDurationMs(s.durationMs)} at T+${formatDurationMs(s.fromMs)}`).join("; ")]);
  }
  for (const note of analysis.notes) lines.push(["note", note]);
  return lines;
}

const fmt = (ms: number | null): string => (ms === null ? "–" : ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
