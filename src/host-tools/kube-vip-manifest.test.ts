import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../common/package-root.js";
import { renderTemplate } from "../targets/docker/lab-files.js";
import { parseKubeVipManifest } from "./kube-vip-manifest.js";

/** The lab's manifest: the shape `kube-vip manifest pod … --arp --leaderElection` generates. */
const labManifest = (vars: Record<string, string | number>): string =>
  renderTemplate(readFileSync(join(packageRoot(), "lab", "templates", "kube-vip.yaml.tmpl"), "utf8"), {
    port: 6443,
    interface: "eth0",
    vip: "192.0.2.200",
    leaseDuration: 5,
    renewDeadline: 3,
    retryPeriod: 1,
    arpRateEnv: "",
    ...vars,
  });

describe("kube-vip's manifest", () => {
  it("reads ARP mode, leader election, the VIP, the interface, the Lease and the timings from the env", () => {
    const manifest = parseKubeVipManifest(labManifest({ arpRateEnv: '    - name: vip_arpRate\n      value: "1000"' }));
    expect(manifest).toMatchObject({
      image: "ghcr.io/kube-vip/kube-vip:v1.1.0",
      version: [1, 1, 0],
      mode: "arp",
      controlPlane: true,
      leaderElection: true,
      address: "192.0.2.200",
      interface: "eth0",
      lease: { namespace: "kube-system", name: "plndr-cp-lock" },
      timings: { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000, arpRateMs: 1000 },
      defaulted: [],
    });
  });

  it("takes kube-vip's own defaults where the env is silent: 15/10/2 from v1.1.0, 5/3/1 before; an ARP rate under 500 ms is reset to 3 s", () => {
    const bare = (image: string, arp = ""): string =>
      `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: kube-vip\n    image: ${image}\n    env:\n    - { name: vip_arp, value: "true" }\n${arp}`;
    expect(parseKubeVipManifest(bare("ghcr.io/kube-vip/kube-vip:v1.2.0"))).toMatchObject({ timings: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000, arpRateMs: 3000 } });
    const old = parseKubeVipManifest(bare("ghcr.io/kube-vip/kube-vip:v0.8.9", '    - { name: vip_arpRate, value: "300" }\n'));
    expect(old).toMatchObject({ timings: { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000, arpRateMs: 3000 } });
    expect(typeof old !== "string" && old.defaulted[0]).toBe("vip_leaseduration 5 s (kube-vip v0.8.9's default)");
  });

  it("says in a few words what is not a kube-vip pod", () => {
    expect(parseKubeVipManifest("kind: Deployment\n")).toBe("not a Pod manifest");
    expect(parseKubeVipManifest("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - { name: etcd, image: registry.k8s.io/etcd:3.5 }\n")).toBe("no container named kube-vip");
    expect(parseKubeVipManifest("kind: [")).toMatch(/^not YAML: /);
  });
});
