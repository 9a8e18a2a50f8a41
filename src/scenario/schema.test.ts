import { describe, expect, it } from "vitest";
import { parseScenario } from "./load.js";
import { defaultVip } from "./schema.js";

const HEAD = "version: 1\nname: s\ndescription: d\n";
const LINK_DOWN = "fault:\n  type: link-down\n  target: vip-owner\n";
const parse = (text: string) => parseScenario(text, "/tmp/s.yaml");

describe("defaults and normalisation", () => {
  it("a minimal scenario gets every documented default", () => {
    const s = parse(HEAD + LINK_DOWN);
    expect(s).toEqual({
      file: "/tmp/s.yaml",
      version: 1,
      name: "s",
      description: "d",
      lab: { topology: "haproxy-keepalived", subnet: "172.30.213.0/24", vip: "172.30.213.200", advertIntS: 1, controlPlanes: 3, loadBalancers: 2 },
      dns: "api.cluster.local",
      probes: {
        intervalMs: 10,
        timeoutMs: 1000,
        path: "/version",
        expect: "version",
        stableMs: 250,
        maxInFlight: 216,
        keepAliveConnections: 0,
        keepAliveIntervalMs: 100,
      },
      fault: { type: "link-down", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first" },
      baselineMs: 5000,
      holdMs: 10_000,
      settleMs: 10_000,
      budgets: { failoverMs: 5000, errorsAfterRecovery: 0, vipMove: "any", splitBrain: "forbid", healthyAfterRestore: true, latency: {} },
    });
  });

  it("every key set, in flow style too", () => {
    const s = parse(`${HEAD}lab: { subnet: 10.20.0.0/16, vip: 10.20.200.1, advertInt: 2, controlPlanes: 5, loadBalancers: 3 }
dns: api.example.org
probes:
  interval: 20ms
  timeout: 2s
  path: /readyz
  stable: 1s
  maxInFlight: 50
  keepAlive: { connections: 2, interval: 250ms }
baseline: 0
fault: { type: backend-drain, target: role:control-plane, pick: all, state: maint }
hold: 1m
settle: 2m30s
budgets:
  failover: 3s
  outage: 2.5s
  failback: 1s
  failedProbes: 10
  errorsAfterRecovery: 2
  vipMove: must-not
  splitBrain: allow
  healthyAfterRestore: false
  latency: { baseline: { p99: 50ms, p99.9: 80ms }, recovered: { max: 1s }, fault: {} }
`);
    expect(s.lab).toEqual({ topology: "haproxy-keepalived", subnet: "10.20.0.0/16", vip: "10.20.200.1", advertIntS: 2, controlPlanes: 5, loadBalancers: 3 });
    expect(s.dns).toBe("api.example.org");
    expect(s.probes).toEqual({ intervalMs: 20, timeoutMs: 2000, path: "/readyz", expect: "ok", stableMs: 1000, maxInFlight: 50, keepAliveConnections: 2, keepAliveIntervalMs: 250 });
    expect([s.baselineMs, s.holdMs, s.settleMs]).toEqual([0, 60_000, 150_000]);
    expect(s.fault).toEqual({ type: "backend-drain", target: "role:control-plane", selector: { kind: "role", role: "control-plane" }, pick: "all", state: "maint" });
    expect(s.budgets).toEqual({
      failoverMs: 3000,
      outageMs: 2500,
      failbackMs: 1000,
      failedProbes: 10,
      errorsAfterRecovery: 2,
      vipMove: "must-not",
      splitBrain: "allow",
      healthyAfterRestore: false,
      latency: { baseline: { p99: 50, "p99.9": 80 }, recovered: { max: 1000 } },
    });
  });

  it("probes.expect follows the path unless set; maxInFlight is ceil(2 · timeout / interval) + 16", () => {
    const probes = (yaml: string) => parse(`${HEAD}${LINK_DOWN}probes:\n${yaml}`).probes;
    expect(probes("  path: /healthz\n").expect).toBe("ok");
    expect(probes("  path: /livez\n").expect).toBe("ok");
    expect(probes("  path: /healthz\n  expect: version\n").expect).toBe("version");
    expect(probes("  path: /api\n").expect).toBe("version");
    expect(probes("  interval: 3ms\n  timeout: 1s\n").maxInFlight).toBe(683); // ceil(666.7) + 16
  });

  it("the default VIP is .200 of the subnet's last /24, outside Docker's half; subnets are normalised", () => {
    expect(defaultVip("172.30.213.0/24")).toBe("172.30.213.200");
    expect(defaultVip("10.20.0.0/16")).toBe("10.20.255.200");
    const lab = parse(`${HEAD}${LINK_DOWN}lab:\n  subnet: 10.20.7.9/16\n`).lab;
    expect([lab.subnet, lab.vip]).toEqual(["10.20.0.0/16", "10.20.255.200"]);
  });

  it("each fault type with its parameters", () => {
    const fault = (yaml: string) => parse(`${HEAD}fault:\n${yaml}`).fault;
    expect(fault("  type: service-stop\n  target: role:load-balancer\n  pick: random\n  service: kube-vip@main.service\n")).toEqual({
      type: "service-stop",
      target: "role:load-balancer",
      selector: { kind: "role", role: "load-balancer" },
      pick: "random",
      service: "kube-vip@main.service",
    });
    expect(fault("  type: link-down\n  target: lb-2\n  interface: ens192\n")).toEqual({ type: "link-down", target: "lb-2", selector: { kind: "host", id: "lb-2" }, pick: "first", interface: "ens192" });
    expect(fault("  type: backend-drain\n  target: cp-3\n")).toMatchObject({ state: "drain" });
    for (const type of ["node-kill", "node-pause"]) {
      expect(fault(`  type: ${type}\n  target: vip-backup\n`)).toEqual({ type, target: "vip-backup", selector: { kind: "vip-backup" }, pick: "first" });
    }
    expect(fault("  type: apiserver-unhealthy\n  target: cp-2\n")).toEqual({ type: "apiserver-unhealthy", target: "cp-2", selector: { kind: "host", id: "cp-2" }, pick: "first" });
  });

  it("host ids are checked for syntax only here (the topology checks they exist)", () => {
    expect(parse(`${HEAD}fault:\n  type: node-kill\n  target: cp-42\n`).fault.selector).toEqual({ kind: "host", id: "cp-42" });
  });
});
