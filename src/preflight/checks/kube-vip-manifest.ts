import { kubeVipFailoverWindow } from "../../analysis/kube-vip-window.js";
import { formatDurationMs } from "../../analysis/format.js";
// The runbook's budget: the window a link pull on the leader allows is set against it.
import { RUNBOOK_FAILOVER_BUDGET_MS } from "../../engine/predict.js";
import { parseKubeVipManifest, type KubeVipManifest } from "../../host-tools/kube-vip-manifest.js";
import { invalidKubeVipTimings } from "../../model/kube-vip.js";
import { controlPlanes, execFailure, execOn, listing, sameIp, unreachable, type CheckDefinition, type CheckOutcome, type HostFinding } from "./context.js";

const seconds = (ms: number): string => `${ms / 1000}`;

/** What is wrong with one control plane's manifest, as phrases; empty when it is as the runbook's Option A needs. */
function problemsOf(manifest: KubeVipManifest, vip: string, lease: { namespace: string; name: string }): string[] {
  const problems: string[] = [];
  if (manifest.mode !== "arp") problems.push(manifest.mode === "bgp" ? "BGP mode (vipdrill drills ARP mode)" : "vip_arp is not true");
  if (!manifest.controlPlane) problems.push("cp_enable is not true");
  if (!manifest.leaderElection) problems.push("vip_leaderelection is not true");
  if (manifest.address === undefined) problems.push("no address");
  else if (!sameIp(manifest.address, vip)) problems.push(`address ${manifest.address} is not the VIP ${vip}`);
  if (manifest.lease.namespace !== lease.namespace || manifest.lease.name !== lease.name) {
    problems.push(`its Lease is ${manifest.lease.namespace}/${manifest.lease.name}, not ${lease.namespace}/${lease.name} (set kubeVip.leaseNamespace/leaseName in the inventory)`);
  }
  const invalid = invalidKubeVipTimings(manifest.timings);
  if (invalid !== undefined) problems.push(`lease timings client-go refuses: ${invalid}`);
  return problems;
}

/**
 * kube-vip's manifest on every control plane (the runbook's Option A, step 2): ARP mode, control
 * plane and leader election on, the VIP as its address, an interface that exists, the same image
 * everywhere, and lease timings whose failover window can meet the runbook's 5 s on a link pull.
 */
export const kubeVipManifestCheck: CheckDefinition = {
  id: "kube-vip-manifest",
  title: "kube-vip's manifest on every control plane: ARP, leader election, the VIP, one image, timings that can meet 5 s",
  async run(context): Promise<CheckOutcome> {
    const setup = context.topology.kubeVip;
    if (context.topology.vipManager !== "kube-vip" || !setup) return { status: "skip", seen: "Keepalived holds the VIP: no kube-vip to check" };
    const read = await Promise.all(
      controlPlanes(context.topology).map(async (host): Promise<{ finding: HostFinding; manifest?: KubeVipManifest }> => {
        try {
          const cat = await execOn(context, host, ["cat", "--", setup.manifestPath]);
          if (cat.exitCode !== 0) return { finding: { id: host.id, status: "fail", seen: `cannot read ${setup.manifestPath}: ${execFailure(cat)} (set kubeVip.manifest in the inventory)` } };
          const manifest = parseKubeVipManifest(cat.stdout, setup.container);
          if (typeof manifest === "string") return { finding: { id: host.id, status: "fail", seen: `${setup.manifestPath}: ${manifest}` } };
          const problems = problemsOf(manifest, context.topology.endpoint.vip, setup.lease);
          if (manifest.interface !== undefined) {
            const link = await execOn(context, host, ["ip", "-o", "link", "show", "dev", manifest.interface]);
            if (link.exitCode !== 0) problems.push(`vip_interface ${manifest.interface} does not exist`);
          }
          const t = manifest.timings;
          const seen = `${manifest.image ?? "no image"}, lease ${seconds(t.leaseDurationMs)}/${seconds(t.renewDeadlineMs)}/${seconds(t.retryPeriodMs)} s, ARP every ${formatDurationMs(t.arpRateMs)}`;
          return { finding: { id: host.id, status: problems.length === 0 ? "pass" : "fail", seen: problems.length === 0 ? seen : `${seen}: ${problems.join("; ")}` }, manifest };
        } catch (error) {
          return { finding: { id: host.id, status: "fail", seen: unreachable(error) } };
        }
      }),
    );
    const hosts = read.map((r) => r.finding);
    const manifests = read.flatMap((r) => (r.manifest ? [r.manifest] : []));
    const images = [...new Set(manifests.map((m) => m.image ?? "none"))];
    const headline: string[] = [];
    let ok = hosts.every((h) => h.status === "pass");
    if (images.length > 1) {
      ok = false;
      headline.push(`different kube-vip images on the control planes: ${listing(images)}`);
    }
    const first = manifests[0];
    if (first) {
      const window = kubeVipFailoverWindow(first.timings, "expiry", setup.manifestPath)!;
      const span = `${formatDurationMs(window.fromMs)}–${formatDurationMs(window.toMs)}`;
      if (window.fromMs > RUNBOOK_FAILOVER_BUDGET_MS) {
        ok = false;
        headline.push(`a link pull on the leader fails over in ${span} with these timings: never within the runbook's ${formatDurationMs(RUNBOOK_FAILOVER_BUDGET_MS)}`);
      } else {
        headline.push(`a link pull on the leader fails over in ${span}${window.toMs > RUNBOOK_FAILOVER_BUDGET_MS ? ` (the runbook's ${formatDurationMs(RUNBOOK_FAILOVER_BUDGET_MS)} only at best)` : ""}`);
      }
      if (first.defaulted.length > 0) headline.push(`from kube-vip's defaults: ${first.defaulted.join(", ")}`);
    }
    return { status: ok ? "pass" : "fail", seen: [...headline, ...hosts.map((h) => `${h.id}: ${h.seen}`)].join("; "), hosts };
  },
};
