import { judgePrediction, RUNBOOK_FAILOVER_BUDGET_MS } from "../../engine/predict.js";
import { vipHolders } from "../../engine/readiness.js";
import { readBalancerTimings } from "../../host-tools/balancer-timings.js";
import { vipCandidateHosts } from "../../model/host.js";
import type { FaultSpec } from "../../model/scenario.js";
import type { CheckDefinition, CheckOutcome } from "./context.js";

/** The runbook's drill, where preflight is given none: pull the link of the VIP's owner. */
const LINK_PULL: FaultSpec = { type: "link-down", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first" };

/**
 * Keepalived's and HAProxy's timers (the lab's, or read from each balancer) set against each drill's
 * failover budget before anything runs: it fails only where even the best case misses the budget,
 * or where nothing would fail over while clients fail; otherwise it shows the window.
 */
export const predictedFailoverCheck: CheckDefinition = {
  id: "predicted-failover",
  title: "each drill's predicted failover window can meet its budget (a link pull against the runbook's 5 s when no drill is given)",
  async run(context): Promise<CheckOutcome> {
    const { topology } = context;
    if (topology.vipManager !== "keepalived") return { status: "skip", seen: "kube-vip holds the VIP: its window is checked with its manifest (kube-vip-manifest)" };
    const setup = topology.keepalived ?? (await context.on("the load balancers", readBalancerTimings(topology)));
    if (typeof setup === "string") return { status: "fail", seen: `cannot predict: ${setup}` };
    const holders = await context.on("the VIP's holders", vipHolders(topology));
    const master = holders.length === 1 ? holders[0]! : vipCandidateHosts(topology)[0]?.id;
    const drills = context.scenarios.length > 0 ? context.scenarios.map((s) => ({ fault: s.fault, budgetMs: s.budgets.failoverMs ?? RUNBOOK_FAILOVER_BUDGET_MS })) : [{ fault: LINK_PULL, budgetMs: RUNBOOK_FAILOVER_BUDGET_MS }];
    const judged = drills.map((d) => judgePrediction(d.fault, d.budgetMs, { ...topology, keepalived: setup }, master));
    const texts = judged.map((j, i) => j?.text ?? `${drills[i]!.fault.type} on ${drills[i]!.fault.target}: no window derived`);
    const who = holders.length === 1 ? `${master} holds the VIP` : `no single VIP owner, ${master ?? "?"} taken as the master`;
    return { status: judged.some((j) => j?.cannotMeet) ? "fail" : "pass", seen: `${who}; ${texts.join("; ")}` };
  },
};
