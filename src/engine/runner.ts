import { sleep, type Clock } from "../common/clock.js";
import { AbortedError, RestoreError, VipdrillError, errorMessage } from "../common/errors.js";
import { prepareFault, type InjectedFault } from "../faults/fault-controller.js";
import { ProbeRunner, type StreamSpec } from "../probes/probe-runner.js";
import { resolveTargets } from "../scenario/selector.js";
import type { ProbeSpec, Scenario } from "../model/scenario.js";
import type { Host, Topology } from "../model/host.js";
import { Observation } from "./observation.js";
import { renderCommand } from "../model/command.js";
import { guardBlastRadius } from "./blast-radius.js";
import { leaderLoss, predictFailback, predictFailover } from "./predict.js";
import { failedRelease } from "../analysis/kube-vip-release.js";
import { readKubeVipTimings } from "../host-tools/kube-vip-manifest.js";
import { readBalancerTimings } from "../host-tools/balancer-timings.js";
import type { PredictedWindow } from "../model/prediction.js";
import { FRESH_STREAM, KEEPALIVE_STREAM, type PhaseName, type Timeline } from "../model/timeline.js";

/** Added to the hold time before a host's dead-man timer heals the fault on its own. */
export const DEFAULT_DEAD_MAN_GRACE_MS = 15_000;

export interface DrillOptions {
  scenario: Scenario;
  topology: Topology;
  timeline: Timeline;
  clock: Clock;
  signal: AbortSignal;
  deadManGraceMs?: number;
  /** Run a fault that takes out a majority of control planes or every load balancer (see blast-radius.ts). */
  allowWideBlastRadius?: boolean;
  onPhase?: (phase: PhaseName) => void;
  /** Called once the fault's targets are resolved (before anything is done to them). */
  onTargets?: (fault: InjectedFault) => void;
}

export interface DrillOutcome {
  /** Hosts the fault was applied to. */
  targets: string[];
  fault: InjectedFault | undefined;
  /** End of the observation (ms since the run origin). */
  endMs: number;
  /** Set when the drill did not run to the end: why. */
  error: VipdrillError | undefined;
  /**
   * The ± of VIP event times, computed at the end (after the last clock pairing): 1 ms where the
   * hosts share our clock; the hosts' clock pairings' ± plus the drift seen between them where they
   * have their own; else the slowest of a few command round trips, which bounds how late a line can arrive.
   */
  observerLatencyMs: number | null;
  /** The failover window the configuration allows (see predict.ts); null where none is derived. */
  predicted: PredictedWindow | null;
  /** The window of the VIP's move back after the restore (Keepalived's preemption); null where none is derived. */
  predictedFailback: PredictedWindow | null;
}

/** The outcome as plain data for report/: what the fault's commands were, the ± of VIP times. */
export function drillRecordOf(outcome: DrillOutcome): {
  endMs: number;
  error: { code: string; message: string } | undefined;
  plan: Array<{ hostId: string; inject: string[]; restore: string[] }>;
  vipTimePrecisionMs: number | null;
  predicted: PredictedWindow | null;
  predictedFailback: PredictedWindow | null;
} {
  return {
    endMs: outcome.endMs,
    error: outcome.error ? { code: outcome.error.code, message: outcome.error.message } : undefined,
    plan:
      outcome.fault?.actions.map((a) => ({ hostId: a.host.id, inject: a.inject.map(renderCommand), restore: a.restore.map(renderCommand) })) ?? [],
    vipTimePrecisionMs: outcome.observerLatencyMs,
    predicted: outcome.predicted,
    predictedFailback: outcome.predictedFailback,
  };
}

/** kube-vip's timings where the topology does not know them yet (an inventory): read from a control plane's manifest. */
/** Keepalived's and HAProxy's timers where the topology does not know them yet (an inventory): read from each balancer's configuration. */
async function withBalancerTimings(topology: Topology, note: (message: string) => void): Promise<Topology> {
  if (topology.vipManager !== "keepalived" || topology.keepalived) return topology;
  const setup = await readBalancerTimings(topology).catch((error: unknown) => errorMessage(error));
  if (typeof setup === "string") {
    note(`no predicted window: ${setup}`);
    return topology;
  }
  return { ...topology, keepalived: setup };
}

async function withKubeVipTimings(topology: Topology): Promise<Topology> {
  const setup = topology.kubeVip;
  if (!setup || setup.timings) return topology;
  const timings = await readKubeVipTimings(topology).catch(() => undefined);
  return timings ? { ...topology, kubeVip: { ...setup, timings, source: `${setup.manifestPath} on the control planes` } } : topology;
}

/** The fresh stream (and the keep-alive one, where asked) to the topology's VIP: a drill's and a watch's alike. */
export function probeStreams(probes: Omit<ProbeSpec, "stableMs">, topology: Topology): StreamSpec[] {
  const target = {
    address: topology.endpoint.vip,
    port: topology.endpoint.port,
    servername: topology.endpoint.dns,
    path: probes.path,
    caPem: topology.endpoint.caPem,
    expect: probes.expect,
    timeoutMs: probes.timeoutMs,
  };
  const streams: StreamSpec[] = [
    { name: FRESH_STREAM, target, intervalMs: probes.intervalMs, maxInFlight: probes.maxInFlight, keepAliveConnections: 0 },
  ];
  if (probes.keepAliveConnections > 0) {
    streams.push({
      name: KEEPALIVE_STREAM,
      target,
      intervalMs: probes.keepAliveIntervalMs,
      maxInFlight: probes.keepAliveConnections * 4,
      keepAliveConnections: probes.keepAliveConnections,
    });
  }
  return streams;
}

/**
 * The drill: observers and probes start, baseline ▸ inject ▸ hold ▸ restore ▸ settle, then
 * everything stops. Whatever happens (error, abort), an injected fault is restored before this
 * returns; a failed restore is rethrown as RestoreError, which outranks every other error.
 */
export async function runDrill(options: DrillOptions): Promise<DrillOutcome> {
  const { scenario, topology, timeline, clock, signal } = options;
  const observation = new Observation(topology, timeline, clock);
  const { hostClocks, vip: vipObserver, lease } = observation;
  let fault: InjectedFault | undefined;
  /** Clock re-measures under way: each is bounded, and all are awaited before the ± is computed. */
  const remeasures: Array<Promise<void>> = [];
  const remeasure = (): void => {
    // A host the fault cut off cannot be read until it has healed: it is skipped, not waited for.
    const cutOff = fault?.state === "restored" ? [] : (fault?.selfHealingHosts.map((h) => h.hostId) ?? []);
    remeasures.push(hostClocks.remeasure(topology.hosts.filter((h) => !cutOff.includes(h.id))));
  };
  const phase = (name: PhaseName): void => {
    timeline.append({ type: "phase", phase: name, atMs: clock.nowMs() });
    // Each host's clock is paired with ours again in the background: the drill does not wait for it.
    remeasure();
    options.onPhase?.(name);
  };
  const checkAbort = (): void => {
    if (signal.aborted) throw new AbortedError(errorMessage(signal.reason));
  };

  const probes = new ProbeRunner(timeline, clock);
  let targets: string[] = [];
  /** Who held the VIP when the fault hit: the master the predicted windows are computed for. */
  let masterAtFault: string | undefined;
  let faultAtMs = Number.NaN;
  /** When the restore phase began (end of the run where it did not). */
  let restoreAtMs = Number.POSITIVE_INFINITY;
  let error: VipdrillError | undefined;
  let endMs = Number.NaN;
  try {
    const resolve = (): Host[] => {
      const holders = vipObserver.holders();
      const hosts = resolveTargets(scenario.fault, topology, { owner: holders.length === 1 ? holders[0]! : null, holders, leaseHolder: lease?.holderIdentity() ?? null });
      guardBlastRadius(scenario.fault, hosts, topology, options.allowWideBlastRadius ?? false);
      return hosts;
    };
    // Every host's clock paired first, then the streams: no stamp arrives unpaired. The fault's
    // targets are resolved and prechecked as soon as the VIP's owners are known, so a bad target
    // fails before anything is done…
    let targetHosts: Host[] = [];
    // The probe workers load while the streams open (once the clocks are paired); they start probing once the observers are up.
    fault = await observation.start(
      async () => {
        targetHosts = resolve();
        targets = targetHosts.map((h) => h.id);
        return prepareFault("f1", scenario.fault, targetHosts, topology, timeline, clock, { hostClocks });
      },
      () => void probes.load(probeStreams(scenario.probes, topology)).catch(() => undefined),
    );
    if (fault === undefined) throw new VipdrillError("VIPDRILL_INTERNAL", "the fault was not prepared");
    options.onTargets?.(fault);
    checkAbort();

    await probes.begin();
    phase("baseline");
    await sleep(scenario.baselineMs, signal);
    checkAbort();

    phase("fault");
    faultAtMs = clock.nowMs();
    // …and a selector that follows the VIP is resolved again at the fault: "the VIP owner" is the owner
    // now, even if the VIP moved during the baseline (a preemption just after the lab came up).
    if (["vip-owner", "vip-backup", "kube-vip-leader"].includes(scenario.fault.selector.kind)) {
      const now = resolve();
      if (now.map((h) => h.id).join() !== targets.join()) {
        timeline.append({ type: "note", atMs: clock.nowMs(), message: `${scenario.fault.target} is now ${now.map((h) => h.id).join(", ")} (was ${targets.join(", ")} when the drill started)` });
        targetHosts = now;
        targets = targetHosts.map((h) => h.id);
        fault = await prepareFault("f1", scenario.fault, targetHosts, topology, timeline, clock, { hostClocks });
        options.onTargets?.(fault);
      }
    }
    const holdersAtFault = vipObserver.holders();
    masterAtFault = holdersAtFault.length === 1 ? holdersAtFault[0] : undefined;
    const injected = await fault.inject(scenario.holdMs, options.deadManGraceMs ?? DEFAULT_DEAD_MAN_GRACE_MS);
    // A host whose link to us the fault took down sends no events: it holds no VIP from then on.
    for (const cut of injected.cut) vipObserver.linkCut(cut.hostId, cut.atMs);
    // The hold counts from T_f, however long the inject took to return.
    await sleep(Math.max(0, scenario.holdMs - (clock.nowMs() - injected.atMs)), signal);
    checkAbort();

    phase("restore");
    restoreAtMs = clock.nowMs();
    // The timers are disarmed while the settle goes on: awaited below, before the drill ends.
    await fault.restore({ deferDisarm: true });
    phase("settle");
    await sleep(scenario.settleMs, signal);
    checkAbort();
  } catch (caught) {
    error = caught instanceof VipdrillError ? caught : new VipdrillError("VIPDRILL_INTERNAL", errorMessage(caught), { cause: caught });
  } finally {
    // Restore first: nothing else matters as much. A failed restore replaces any earlier error.
    try {
      await fault?.restore();
      await fault?.disarmed();
    } catch (restoreError) {
      error =
        restoreError instanceof RestoreError
          ? restoreError
          : new RestoreError(`restoring the fault failed: ${errorMessage(restoreError)}`, fault?.manualHeal() ?? [], {
              cause: restoreError,
            });
    }
    await probes.stop();
    await observation.stop();
    endMs = clock.nowMs();
    // A last pairing closes the settle phase; drift is known only now, so the ± of VIP times too.
    remeasure();
    await Promise.all(remeasures);
  }
  const configured = await withKubeVipTimings(await withBalancerTimings(topology, (message) => timeline.append({ type: "note", atMs: clock.nowMs(), message })));
  // Only a graceful stop has a release to fail (after a link pull the same lines mean nothing for the
  // window), and only while the fault holds; the note only where it changed the window.
  const releaseFailed = leaderLoss(scenario.fault) === "release" ? failedRelease(timeline.events, targets, faultAtMs, restoreAtMs) : undefined;
  const predicted = predictFailover(scenario.fault, configured, masterAtFault, releaseFailed);
  if (releaseFailed !== undefined && predicted !== null && predicted.terms[0] === releaseFailed) {
    timeline.append({ type: "note", atMs: endMs, message: `${releaseFailed}: the predicted window is a lost leader's, not a graceful stop's` });
  }
  return {
    targets,
    fault,
    endMs,
    error,
    observerLatencyMs: observation.vipTimePrecisionMs(),
    predicted,
    predictedFailback: predictFailback(scenario.fault, configured, scenario.holdMs, masterAtFault),
  };
}
