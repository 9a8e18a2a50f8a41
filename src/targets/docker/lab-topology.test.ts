import { describe, expect, it } from "vitest";
import { parseHaproxyCfg } from "../../host-tools/haproxy-cfg.js";
import { haproxyChecksOf } from "../../host-tools/haproxy-checks.js";
import { parseKeepalivedConf } from "../../host-tools/keepalived-conf.js";
import { keepalivedSetupOf, vrrpInstanceFor } from "../../host-tools/keepalived-timings.js";
import { planLab } from "./docker-lab.js";
import { HAPROXY_CFG, KEEPALIVED_CONF, renderLabFiles } from "./lab-files.js";
import { labKeepalived, plannedLabTopology } from "./lab-topology.js";

describe("plannedLabTopology", () => {
  const plan = planLab({ topology: "haproxy-keepalived", subnet: "172.30.99.0/24", vip: "172.30.99.200", advertIntS: 1, controlPlanes: 2, loadBalancers: 2 }, "api.example.org", "unit");

  it("is the lab the plan lays out: its nodes, roles, addresses, VIP interface and endpoint", () => {
    const topology = plannedLabTopology(plan);
    expect(topology).toMatchObject({ kind: "lab", name: "unit", endpoint: { vip: "172.30.99.200", port: 6443, dns: "api.example.org" } });
    expect(topology.hosts.map((h) => [h.id, h.roles, h.address, h.vipInterface, h.labels.container])).toEqual([
      ["cp-1", ["control-plane"], "172.30.99.11", "eth0", "vipdrill-unit-cp-1"],
      ["cp-2", ["control-plane"], "172.30.99.12", "eth0", "vipdrill-unit-cp-2"],
      ["lb-1", ["load-balancer"], "172.30.99.21", "eth0", "vipdrill-unit-lb-1"],
      ["lb-2", ["load-balancer"], "172.30.99.22", "eth0", "vipdrill-unit-lb-2"],
    ]);
    expect(topology.hosts[0]!.service("keepalived").stop).toEqual(["systemctl", "stop", "keepalived"]);
  });

  it("runs nothing and changes no node: a plan touches no host", async () => {
    const topology = plannedLabTopology(plan);
    await expect(topology.hosts[0]!.transport.exec(["true"])).rejects.toThrow();
    await expect(topology.lifecycle!.kill("cp-1")).rejects.toThrow();
  });
});

describe("labKeepalived", () => {
  it("carries the timers the lab's rendered keepalived.conf and haproxy.cfg set, as vipdrill reads them on real hosts", async () => {
    for (const advertIntS of [1, 2]) {
      const plan = planLab({ topology: "haproxy-keepalived", subnet: "172.30.99.0/24", vip: "172.30.99.200", advertIntS, controlPlanes: 3, loadBalancers: 3 }, "api.example.org", "unit");
      const files = await renderLabFiles(plan, { caPem: "", nodes: new Map(["cp-1", "cp-2", "cp-3"].map((id) => [id, { certPem: "", keyPem: "" }])) });
      const text = (node: string, path: string): string => files.get(node)!.find((f) => f.path === path)!.content;
      const balancers = ["lb-1", "lb-2", "lb-3"].map((hostId) => {
        const instance = vrrpInstanceFor(parseKeepalivedConf(text(hostId, KEEPALIVED_CONF), KEEPALIVED_CONF), plan.vip);
        if (typeof instance === "string") throw new Error(instance);
        return { hostId, instance };
      });
      const read = keepalivedSetupOf(balancers, haproxyChecksOf(parseHaproxyCfg(text("lb-1", HAPROXY_CFG), HAPROXY_CFG), "kube-apiservers"), "read")!;
      const declared = labKeepalived(plan);
      // What a script checks cannot be read from a file; the lab's goes through its own HAProxy (check_apiserver.sh).
      expect({ ...read.common, script: { ...read.common.script!, checks: "haproxy" } }).toEqual(declared.common);
      expect(read.peers).toEqual(declared.peers);
    }
  });
});
