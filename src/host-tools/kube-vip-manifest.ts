/**
 * kube-vip's static-pod manifest, read as kube-vip reads its settings: the container's env
 * (pkg/kubevip/config_envvar.go), with kube-vip's own defaults where a variable is absent — which
 * changed in v1.1.0 from lease timings 5/3/1 to 15/10/2 (systems-under-test.md §1.2), so the image's
 * version decides them.
 */
import { parseDocument } from "yaml";
import { hostsWithRole, type Topology } from "../model/host.js";

export interface KubeVipManifest {
  image: string | undefined;
  /** The image tag's version (v1.1.0 → [1, 1, 0]); undefined for a digest or `latest`. */
  version: [number, number, number] | undefined;
  env: Record<string, string>;
  mode: "arp" | "bgp" | "neither";
  controlPlane: boolean;
  leaderElection: boolean;
  address: string | undefined;
  interface: string | undefined;
  lease: { namespace: string; name: string };
  timings: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number; arpRateMs: number };
  /** Where a timing came from kube-vip's defaults rather than the manifest, in words. */
  defaulted: string[];
}

const truthy = (value: string | undefined): boolean => value !== undefined && /^(true|1|yes)$/i.test(value.trim());

/** vX.Y.Z of an image reference (ghcr.io/kube-vip/kube-vip:v1.1.0). */
function versionOf(image: string | undefined): [number, number, number] | undefined {
  const match = image === undefined ? null : /:v?(\d+)\.(\d+)\.(\d+)(?:[-+][\w.]+)?$/.exec(image);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** kube-vip's timing defaults by version: 15/10/2 from v1.1.0 (commit 7caf5f6), 5/3/1 before. */
function defaultTimings(version: [number, number, number] | undefined): [number, number, number] {
  const newer = version === undefined || version[0] > 1 || (version[0] === 1 && version[1] >= 1);
  return newer ? [15, 10, 2] : [5, 3, 1];
}

/** A manifest's text → its settings; a one-line reason when it is not a pod with a kube-vip container. */
export function parseKubeVipManifest(text: string, containerName = "kube-vip"): KubeVipManifest | string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return `not YAML: ${doc.errors[0]!.message.split("\n")[0]}`;
  const pod = doc.toJS() as { kind?: unknown; spec?: { containers?: unknown } } | null;
  if (pod?.kind !== "Pod" || !Array.isArray(pod.spec?.containers)) return "not a Pod manifest";
  const containers = pod.spec.containers as Array<{ name?: unknown; image?: unknown; env?: unknown }>;
  const container = containers.find((c) => c.name === containerName) ?? containers.find((c) => typeof c.image === "string" && c.image.includes("kube-vip"));
  if (!container) return `no container named ${containerName}`;
  const env: Record<string, string> = {};
  for (const item of Array.isArray(container.env) ? (container.env as Array<{ name?: unknown; value?: unknown }>) : []) {
    if (typeof item.name === "string" && (typeof item.value === "string" || typeof item.value === "number" || typeof item.value === "boolean")) env[item.name] = String(item.value);
  }
  const image = typeof container.image === "string" ? container.image : undefined;
  const version = versionOf(image);
  const [leaseS, renewS, retryS] = defaultTimings(version);
  const defaulted: string[] = [];
  const seconds = (name: string, fallback: number): number => {
    const value = env[name];
    if (value === undefined || !/^\d+$/.test(value.trim())) {
      defaulted.push(`${name} ${fallback} s (kube-vip ${version ? `v${version.join(".")}` : "≥ v1.1"}'s default)`);
      return fallback * 1000;
    }
    return Number(value) * 1000;
  };
  // kube-vip resets a vip_arpRate below 500 ms to its 3000 ms default (pkg/arp/arp.go).
  const arp = Number(env.vip_arpRate);
  return {
    image,
    version,
    env,
    mode: truthy(env.vip_arp) ? "arp" : truthy(env.bgp_enable) ? "bgp" : "neither",
    controlPlane: truthy(env.cp_enable),
    leaderElection: truthy(env.vip_leaderelection),
    address: env.address ?? env.vip_address,
    interface: env.vip_interface,
    lease: { namespace: env.cp_namespace ?? "kube-system", name: env.vip_leasename ?? "plndr-cp-lock" },
    timings: {
      leaseDurationMs: seconds("vip_leaseduration", leaseS),
      renewDeadlineMs: seconds("vip_renewdeadline", renewS),
      retryPeriodMs: seconds("vip_retryperiod", retryS),
      arpRateMs: Number.isFinite(arp) && arp >= 500 ? arp : 3000,
    },
    defaulted,
  };
}

/** The timings kube-vip runs with, from the first control plane whose manifest can be read (for a drill's predicted window). */
export async function readKubeVipTimings(topology: Topology): Promise<KubeVipManifest["timings"] | undefined> {
  const setup = topology.kubeVip;
  if (!setup) return undefined;
  for (const host of hostsWithRole(topology.hosts, "control-plane")) {
    const cat = await host.transport.exec(["cat", "--", setup.manifestPath], { timeoutMs: 10_000 }).catch(() => undefined);
    if (cat?.exitCode !== 0) continue;
    const manifest = parseKubeVipManifest(cat.stdout, setup.container);
    if (typeof manifest !== "string") return manifest.timings;
  }
  return undefined;
}
