import { formatDurationMs, formatSinceAction, formatWithPrecision } from "../analysis/format.js";
import type { FaultAnalysis, Outage, RunAnalysis } from "../analysis/types.js";
import { predictedText } from "./predicted-window.js";
import type { Report } from "./report-types.js";

const failedProbes = (n: number): string => `${n} failed probe${n === 1 ? "" : "s"}`;

/** The figures of a report as labelled lines, shared by the terminal summary and Markdown. */
export function figureLines(report: Report): Array<[string, string]> {
  const analysis = report.analysis as RunAnalysis;
  const lines: Array<[string, string]> = [];
  const f = report.faults[0];
  const a = analysis.fault;
  if (f && a) {
    const took = formatDurationMs(a.injectedAtMs - a.injectStartMs);
    lines.push(["fault", `${f.type} on ${f.hosts.join(", ")} (${f.target}), injected at T+${formatDurationMs(a.injectedAtMs)} (command took ${took})`]);
    lines.push(["failover", failoverText(a)]);
    if (a.predicted) {
      lines.push([
        "predicted",
        `${predictedText(a.predicted, a.injectStartMs, a.injectedAtMs)} by ${a.predicted.source}${a.outsidePrediction ? " — the measured failover lies OUTSIDE it" : ""}`,
      ]);
    }
    a.outages.forEach((o, i) => lines.push([i === 0 ? "outages" : "", outageText(o, i, a.outages.length)]));
    lines.push(["VIP", vipText(a)]);
    if (a.restoredAtMs !== null) lines.push(["failback", failbackText(a)]);
    if (a.predictedFailback && a.restoredAtMs !== null) {
      const p = a.predictedFailback;
      lines.push(["predicted", `VIP back ${predictedText(p, a.restoreStartMs, a.restoredAtMs)} after the restore, by ${p.source}${a.outsideFailbackPrediction ? " — the measured move back lies OUTSIDE it" : ""}`]);
    }
    a.failbackOutages.forEach((o, i) => lines.push([i === 0 ? "after restore" : "", outageText(o, i, a.failbackOutages.length)]));
    if ((a.flaps ?? 0) > 0 || (a.errorsAfterRecovery ?? 0) > 0) {
      lines.push(["after recovery", `${failedProbes(a.errorsAfterRecovery ?? 0)}, ${a.flaps ?? 0} flap${a.flaps === 1 ? "" : "s"} after clients were first back (T_f + ${formatDurationMs(a.firstRecoveryMs ?? 0)})`]);
    }
  }
  if (!a) {
    // A watch (or a run stopped before its fault): every outage window of the run, and the operator's marks.
    const outages = analysis.outages ?? [];
    lines.push(["outages", outages.length === 0 ? `none: no probe failed (± ${formatDurationMs(analysis.intervalMs)} + send lag: a shorter one can fall between two probes)` : `${outages.length}`]);
    outages.forEach((o, i) => lines.push(["", outageText(o, i, outages.length)]));
    const vipMoves = report.timeline.flatMap((e) => (e.type === "vip-added" ? [`${e.host} T+${formatDurationMs(e.atMs)}`] : []));
    if (vipMoves.length > 1) lines.push(["VIP", `held by ${vipMoves.join(" → ")}`]);
    for (const mark of report.timeline.flatMap((e) => (e.type === "mark" ? [e] : []))) lines.push(["mark", `T+${formatDurationMs(mark.atMs)} ${mark.text}`]);
  }
  // Keepalived's own account, as evidence beside the probes' (state changes after the baseline).
  const from = a?.injectStartMs ?? 0;
  // In the order Keepalived logged them: a host cut off by the fault reports its own late.
  const vrrp = report.timeline
    .flatMap((e) => (e.type === "vrrp-state" && e.atMs >= from ? [e] : []))
    .sort((a, b) => a.atMs - b.atMs)
    .map((e) => `${e.host} ${e.state} T+${formatDurationMs(e.atMs)}`);
  if (vrrp.length > 0) lines.push(["keepalived", vrrp.join(", ")]);
  const lease = leaseText(report, from);
  if (lease) lines.push(["lease", lease]);
  const leaderLines = report.timeline.flatMap((e) => (e.type === "kube-vip-log" && e.atMs >= from && LEADERSHIP_LINE.test(e.message) ? [`${e.host} T+${formatDurationMs(e.atMs)}: ${e.message.replace(/^\S+ \S+ /, "")}`] : []));
  for (const text of leaderLines.slice(0, 8)) lines.push(["kube-vip", text]);
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

/** The headline: when clients were back for good, or why there is no such time. */
function failoverText(a: FaultAnalysis): string {
  if (a.failoverMs === null) {
    return a.unrecovered === "after-restore" ? "did not recover while the fault held: clients were back only after the restore" : "never recovered before the end of the run";
  }
  if (a.outages.length === 0) return `0 ms ± ${formatDurationMs(a.precisionMs)} — no probe failed`;
  const lastEnd = a.outages.at(-1)!.endMs!;
  if (lastEnd < a.injectedAtMs) {
    return `0 ms ± ${formatDurationMs(a.precisionMs)} — clients were back before the inject command returned (it took ${formatDurationMs(a.injectedAtMs - a.injectStartMs)}); see the outage`;
  }
  return `${formatWithPrecision(a.failoverMs, a.precisionMs)}  (fault injected → clients back for good at T+${formatDurationMs(lastEnd)})`;
}


/** One outage window: when, how long with its ±, what failed. */
function outageText(o: Outage, index: number, count: number): string {
  const kinds = Object.entries(o.errorKinds).map(([kind, n]) => `${kind} ${n}`).join(", ");
  const length =
    o.durationMs === null ? "never recovered" : `${o.startsAtFirstProbe ? "≥ " : ""}${formatWithPrecision(o.durationMs, o.precisionMs)}`;
  const span = `T+${formatDurationMs(o.startMs)} → ${o.endMs === null ? "the end" : `T+${formatDurationMs(o.endMs)}`}`;
  return `${count > 1 ? `${index + 1}. ` : ""}${length}  (${span}, ${failedProbes(o.failedProbes)}${kinds ? `: ${kinds}` : ""})`;
}

function vipText(a: FaultAnalysis): string {
  const took = formatDurationMs(a.injectedAtMs - a.injectStartMs);
  const there =
    a.vipMoveMs === null
      ? a.vipOwnersBefore.length === 0
        ? "no host held it when the fault was injected"
        : `stayed on ${a.vipOwnerBefore ?? "no host"}`
      : `${a.vipOwnerBefore ?? "none"} → ${a.vipMovedTo ?? "?"} ` +
        (a.vipMoveMs < 0 ? `${formatSinceAction(a.vipMoveMs, a.vipMovePrecisionMs, "inject")} (it took ${took})` : `in ${formatWithPrecision(a.vipMoveMs, a.vipMovePrecisionMs)} after the fault`);
  const back =
    a.vipMoveBackMs === null ? "" : `; → ${a.vipMovedBackTo ?? "?"} ${a.vipMoveBackMs < 0 ? formatSinceAction(a.vipMoveBackMs, a.vipMoveBackPrecisionMs, "restore") : `${formatWithPrecision(a.vipMoveBackMs, a.vipMoveBackPrecisionMs)} after the restore`}`;
  return there + back;
}

/** What clients saw around the restore (the longest window), and when they were back for good. */
function failbackText(a: FaultAnalysis): string {
  if (a.failbackRecovered === null) return "not measured: the fault's outage had not ended";
  if (a.failbackOutages.length === 0) return `0 ms ± ${formatDurationMs(a.failbackPrecisionMs ?? 0)} — no probe failed after the restore`;
  if (a.failbackMs === null) return "never recovered after the restore";
  const n = a.failbackOutages.length;
  return (
    `${formatWithPrecision(a.failbackMs, a.failbackPrecisionMs)}  (the longest of ${n} outage${n === 1 ? "" : "s"} after the restore, ` +
    `${failedProbes(a.failbackOutages.reduce((sum, o) => sum + o.failedProbes, 0))}; clients back for good ${formatWithPrecision(a.failbackRecoveryMs ?? 0, a.failbackRecoveryPrecisionMs)} after the restore)`
  );
}

/** kube-vip log lines about leadership (its slog messages and client-go's), worth a line of the summary. */
const LEADERSHIP_LINE = /New leader|becoming a follower|lost leadership|acquired lease|Failed to renew|release|Received termination/i;

/**
 * kube-vip's Lease after the baseline: each change of holder with when it was acquired (the
 * holder's own acquireTime, on our clock) and how soon vipdrill saw it; renewals counted.
 */
function leaseText(report: Report, fromMs: number): string | undefined {
  const events = report.timeline.flatMap((e) => (e.type === "lease" ? [e] : []));
  if (events.length === 0) return undefined;
  const before = events.filter((e) => e.atMs < fromMs).at(-1) ?? events[0]!;
  const changes = events.filter((e) => e.atMs >= fromMs && e.holderChanged);
  const renewals = events.filter((e) => e.atMs >= fromMs && !e.holderChanged).length;
  const held = (holder: string | null): string => holder ?? "nobody (released)";
  const moves = changes.map((e) => {
    const acquired = e.acquireAtMs === null || e.holder === null ? "" : ` (acquired T+${formatDurationMs(e.acquireAtMs)}, seen ${formatDurationMs(e.atMs - e.acquireAtMs)} later)`;
    return `→ ${held(e.holder)} T+${formatDurationMs(e.atMs)}${acquired}`;
  });
  const last = events.at(-1)!;
  return `${held(before.holder)} ${moves.join(" ")}${moves.length === 0 ? "kept it" : ""}; ${renewals} renewals, ${last.transitions} transitions in all`;
}
