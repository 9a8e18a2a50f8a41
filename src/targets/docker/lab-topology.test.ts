import { describe, expect, it } from "vitest";
import { planLab } from "./docker-lab.js";
import { plannedLabTopology } from "./lab-topology.js";

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
