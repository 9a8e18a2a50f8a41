/**
 * Budgets checked against the analysis. Budgets with defaults (failover, errors after recovery,
 * VIP move unless "any", split brain when forbidden, healthy after restore when required) are
 * always checked; the optional ones only when set.
 *
 * A figure with a ± passes when the measured value itself is within the limit: the precision is
 * declared beside it for the reader, not used to fail (or pass) a run on what might have been.
 * A figure that cannot be measured (no fault injected, never recovered, never restored, no
 * successful probe in a latency phase) fails: a budget is met only by evidence.
 */
import { LATENCY_PHASES, PERCENTILES, type Budgets } from "../model/scenario.js";
import { formatDurationMs, formatSinceAction, formatWithPrecision } from "./format.js";
import { evaluatePercentileBudgets, oneRunSamples } from "./percentile-budgets.js";
import { figureSourceOf } from "./run-figures.js";
import type { BudgetResult, FaultAnalysis, RunAnalysis } from "./types.js";

export function evaluateBudgets(analysis: RunAnalysis, budgets: Budgets): BudgetResult[] {
  const { fault } = analysis;
  const results: BudgetResult[] = [];

  if (budgets.failoverMs !== undefined) {
    results.push(
      durationBudget("failover", budgets.failoverMs, fault, (f) => ({ ms: f.failoverMs, precisionMs: f.precisionMs, unmeasured: unrecoveredWords(f) })),
    );
  }
  if (budgets.outageMs !== undefined) {
    results.push(
      durationBudget("outage", budgets.outageMs, fault, (f) => ({ ms: f.outageMs, precisionMs: f.outagePrecisionMs, unmeasured: "an outage never ended" })),
    );
  }
  if (budgets.failbackMs !== undefined) {
    results.push(
      durationBudget("failback", budgets.failbackMs, fault, (f) => ({
        ms: f.failbackMs,
        precisionMs: f.failbackPrecisionMs,
        unmeasured: f.restoredAtMs === null ? "not restored" : f.failbackRecovered === null ? "the fault's outage never ended" : "never recovered after the restore",
      })),
    );
  }
  if (budgets.failedProbes !== undefined) {
    results.push(countBudget("failed-probes", budgets.failedProbes, analysis.probes.failed, failedByKindDetail(analysis)));
  }
  results.push(errorsAfterRecoveryBudget(budgets.errorsAfterRecovery, fault));
  if (budgets.vipMove !== "any") results.push(vipMoveBudget(budgets.vipMove, fault));
  if (budgets.splitBrain === "forbid") results.push(splitBrainBudget(analysis));
  if (budgets.healthyAfterRestore) results.push(healthyBudget(analysis));

  for (const phase of LATENCY_PHASES) {
    const limits = budgets.latency[phase];
    if (limits === undefined) continue;
    const latency = analysis.latency[phase];
    for (const percentile of PERCENTILES) {
      const limitMs = limits[percentile];
      if (limitMs === undefined) continue;
      const measuredMs = latency[percentile];
      const name = `latency.${phase}.${percentile}`;
      if (measuredMs === null) {
        results.push({
          ...noNumbers,
          name,
          limit: formatDurationMs(limitMs),
          measured: "no successful probe",
          precision: null,
          pass: false,
          detail: `${latency.count} probes in the ${phase} phase, none succeeded`,
          limitMs,
        });
        continue;
      }
      results.push({
        ...noNumbers,
        name,
        limit: formatDurationMs(limitMs),
        measured: formatDurationMs(measuredMs),
        precision: null,
        pass: measuredMs <= limitMs,
        detail: `${latency.ok} successful probes; HDR histogram, 3 significant digits`,
        measuredMs,
        limitMs,
      });
    }
  }
  // A single run is its own distribution: p95 of one run is that run.
  results.push(...evaluatePercentileBudgets(budgets.percentiles, oneRunSamples(figureSourceOf(analysis))));
  return results;
}

function durationBudget(
  name: string,
  limitMs: number,
  fault: FaultAnalysis | null,
  figure: (fault: FaultAnalysis) => { ms: number | null; precisionMs: number | null; unmeasured: string },
): BudgetResult {
  const limit = formatDurationMs(limitMs);
  if (fault === null) return { ...noFault(name, limit), limitMs };
  const { ms, precisionMs, unmeasured } = figure(fault);
  const precision = precisionMs === null ? null : formatDurationMs(precisionMs);
  const numbers = { ...noNumbers, limitMs, precisionMs };
  if (ms === null) return { ...numbers, name, limit, measured: unmeasured, precision, pass: false };
  return { ...numbers, name, limit, measured: formatWithPrecision(ms, precisionMs), precision, pass: ms <= limitMs, measuredMs: ms };
}

/** Why a fault has no failover figure, in words. */
function unrecoveredWords(fault: FaultAnalysis): string {
  return fault.unrecovered === "after-restore" ? "did not recover before the restore" : "never recovered";
}

/** Counted from the first stable recovery; with none before the restore there is nothing to count from, and it fails. */
function errorsAfterRecoveryBudget(limit: number, fault: FaultAnalysis | null): BudgetResult {
  if (fault === null) return { ...noFault("errors-after-recovery", String(limit)), limitCount: limit };
  if (fault.errorsAfterRecovery === null) {
    return {
      ...noNumbers,
      name: "errors-after-recovery",
      limit: String(limit),
      measured: "never recovered",
      precision: null,
      pass: false,
      detail: "no stable recovery before the restore",
      limitCount: limit,
    };
  }
  const detail = fault.outages.length > 1 ? `${fault.outages.length - 1} more outage window${fault.outages.length > 2 ? "s" : ""} after the first recovery` : undefined;
  return countBudget("errors-after-recovery", limit, fault.errorsAfterRecovery, detail);
}

function countBudget(name: string, limit: number, measured: number, detail?: string): BudgetResult {
  const result: BudgetResult = {
    ...noNumbers,
    name,
    limit: String(limit),
    measured: String(measured),
    precision: null,
    pass: measured <= limit,
    measuredCount: measured,
    limitCount: limit,
  };
  if (detail !== undefined) result.detail = detail;
  return result;
}

/** The numbers of a budget before it has any: each budget fills in those its kind has. */
const noNumbers = { measuredMs: null, limitMs: null, precisionMs: null, measuredCount: null, limitCount: null } as const;

function noFault(name: string, limit: string): BudgetResult {
  return { ...noNumbers, name, limit, measured: "no fault injected", precision: null, pass: false };
}

function failedByKindDetail(analysis: RunAnalysis): string | undefined {
  const kinds = Object.entries(analysis.probes.failedByKind).map(([kind, count]) => `${kind} ${count}`);
  return kinds.length === 0 ? undefined : kinds.join(", ");
}

function vipMoveBudget(rule: "must" | "must-not", fault: FaultAnalysis | null): BudgetResult {
  const limit = rule === "must" ? "must move" : "must not move";
  if (fault === null) return noFault("vip-move", limit);
  const from = fault.vipOwnerBefore ?? "no owner";
  if (fault.vipOwnersBefore.length === 0) {
    // Nobody held it: "moved" and "stayed" both mean nothing, so neither rule is met.
    return { ...noNumbers, name: "vip-move", limit, measured: "no owner before the fault", precision: null, pass: false, detail: "no host held the VIP when the inject command started" };
  }
  if (fault.vipMoveMs === null) {
    return { ...noNumbers, name: "vip-move", limit, measured: "did not move", precision: null, pass: rule === "must-not", detail: `stayed: ${from}` };
  }
  const precision = fault.vipMovePrecisionMs === null ? null : formatDurationMs(fault.vipMovePrecisionMs);
  return {
    ...noNumbers,
    name: "vip-move",
    limit,
    measured: `moved ${formatSinceAction(fault.vipMoveMs, fault.vipMovePrecisionMs, "inject")}`,
    precision,
    pass: rule === "must",
    detail: `${from} → ${fault.vipMovedTo ?? "?"}`,
    measuredMs: fault.vipMoveMs,
    precisionMs: fault.vipMovePrecisionMs,
  };
}

function splitBrainBudget(analysis: RunAnalysis): BudgetResult {
  const result = countBudget("split-brain", 0, analysis.splitBrain.length);
  if (analysis.splitBrain.length > 0) {
    result.detail = analysis.splitBrain
      .map((i) => `${i.hosts.join("+")} for ${formatDurationMs(i.durationMs)} from ${formatDurationMs(i.fromMs)}${i.openAtEnd ? " (still at the end)" : ""}`)
      .join("; ");
  }
  return result;
}

function healthyBudget(analysis: RunAnalysis): BudgetResult {
  return {
    ...noNumbers,
    name: "healthy-after-restore",
    limit: `last ${analysis.stableProbes} probes ok`,
    measured: analysis.healthyAfterRestore ? "healthy" : "unhealthy",
    precision: null,
    pass: analysis.healthyAfterRestore,
  };
}
