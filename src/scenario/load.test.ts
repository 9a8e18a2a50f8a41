import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import type { ExecTransport, Host, Topology } from "../targets/host.js";
import { systemctlService } from "../targets/host.js";
import { scenarioJsonSchema } from "./json-schema.js";
import { builtinScenariosDir, listScenarios, loadScenario, parseScenario } from "./load.js";
import { resolveTargets } from "./selector.js";

const FILE = join(process.cwd(), "drill.yaml");
const base = (fault: string, extra = ""): string => `version: 1\nname: bad\ndescription: d\nfault:\n${fault}\n${extra}`;
const errorOf = (text: string): string => {
  try {
    parseScenario(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected the scenario to be refused");
};

describe("shipped scenarios", () => {
  it("all six load, with the runbook's 5 s failover budget by default", async () => {
    const files = await listScenarios();
    expect(files.map((f) => f.replace(`${builtinScenariosDir()}/`, ""))).toEqual([
      "apiserver-stop-control-plane.yaml",
      "drain-control-plane.yaml",
      "haproxy-stop-vip-owner.yaml",
      "keepalived-stop-vip-owner.yaml",
      "kubelet-stop-control-plane.yaml",
      "link-pull-vip-owner.yaml",
    ]);
    for (const file of files) expect((await loadScenario(file)).budgets.failoverMs).toBe(5000);
  });

  it("the default drill is normalised with its defaults filled in", async () => {
    const s = await loadScenario(join(builtinScenariosDir(), "link-pull-vip-owner.yaml"));
    expect(s.fault).toEqual({ type: "link-down", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first" });
    expect(s.probes).toEqual({
      intervalMs: 5,
      timeoutMs: 1000,
      path: "/version",
      expect: "version",
      stableMs: 250,
      maxInFlight: 416,
      keepAliveConnections: 0,
      keepAliveIntervalMs: 100,
    });
    expect(s.lab).toEqual({ topology: "haproxy-keepalived", subnet: "172.30.213.0/24", vip: "172.30.213.200", advertIntS: 1, controlPlanes: 3, loadBalancers: 2 });
    expect([s.baselineMs, s.holdMs, s.settleMs]).toEqual([5000, 8000, 10000]);
  });

  it("the committed JSON Schema is the one the zod schema generates (npm run schema)", async () => {
    expect(await readFile(join(builtinScenariosDir(), "scenario.schema.json"), "utf8")).toBe(scenarioJsonSchema());
  });
});

describe("bad scenarios: one line each, file:line: path: expected …, got …", () => {
  it("an unknown fault type", () => {
    expect(errorOf(base("  type: link-pull\n  target: vip-owner"))).toBe(
      'drill.yaml:5: fault.type: expected one of "service-stop", "link-down", "backend-drain", "node-kill", "node-pause", "apiserver-unhealthy", got "link-pull"',
    );
  });
  it("a selector typo", () => {
    expect(errorOf(base("  type: link-down\n  target: vip-ownr"))).toBe(
      'drill.yaml:6: fault.target: expected vip-owner, vip-backup, role:control-plane, role:load-balancer or a host id such as cp-1, got "vip-ownr"',
    );
  });
  it("a duration typo, and a bare number", () => {
    expect(errorOf(base("  type: link-down\n  target: vip-owner", "hold: 5 sec\n"))).toBe('drill.yaml:7: hold: expected a duration such as 250ms, 5s or 1m, got "5 sec"');
    expect(errorOf(base("  type: link-down\n  target: vip-owner", "baseline: 5\n"))).toBe("drill.yaml:7: baseline: expected a duration such as 250ms, 5s or 1m, got 5");
  });
  it("a VIP outside the lab subnet, or inside Docker's range", () => {
    expect(errorOf(base("  type: link-down\n  target: vip-owner", "lab:\n  vip: 10.9.9.9\n"))).toBe(
      "drill.yaml:8: lab.vip: expected an address inside 172.30.213.0/24 outside Docker's range 172.30.213.0/25, got 10.9.9.9",
    );
    expect(errorOf(base("  type: link-down\n  target: vip-owner", "lab:\n  vip: 172.30.213.50\n"))).toMatch(/^drill\.yaml:8: lab\.vip: .*got 172\.30\.213\.50$/);
  });
  it("an unknown key names the keys there are", () => {
    expect(errorOf(base("  type: service-stop\n  target: vip-owner\n  service: haproxy\n  servce: x"))).toBe(
      'drill.yaml:8: fault: unknown key "servce" (expected one of: "type", "target", "pick", "service")',
    );
  });
  it("a missing field", () => {
    expect(errorOf(base("  type: service-stop\n  target: vip-owner"))).toBe("drill.yaml:5: fault.service: required (expected string)");
    expect(errorOf("version: 1\nname: x\ndescription: d\n")).toBe("drill.yaml:1: fault: required (expected object)");
  });
  it("a bad enum and a drain aimed at load balancers", () => {
    expect(errorOf(base("  type: link-down\n  target: vip-owner", "budgets:\n  vipMove: maybe\n"))).toBe('drill.yaml:8: budgets.vipMove: expected "must", "must-not" or "any", got "maybe"');
    expect(errorOf(base("  type: backend-drain\n  target: role:load-balancer"))).toMatch(/^drill\.yaml:6: fault\.target: expected control planes for backend-drain/);
  });
  it("YAML syntax, with line and column", () => {
    expect(errorOf("version: 1\nname: bad\n  description: d\n")).toMatch(/^drill\.yaml:2:7: .*\(YAML syntax\)$/);
  });
  it("a missing file", async () => {
    await expect(loadScenario(join(process.cwd(), "scenarios", "nope.yaml"))).rejects.toThrow(/^scenarios\/nope\.yaml: no such file/);
  });
});

describe("target selectors", () => {
  const transport = {} as ExecTransport;
  const host = (id: string, role: Host["roles"][number]): Host => ({ id, address: id, roles: [role], labels: {}, transport, vipInterface: "eth0", service: systemctlService });
  const topology: Topology = {
    kind: "lab",
    name: "t",
    hosts: [host("lb-2", "load-balancer"), host("cp-2", "control-plane"), host("cp-1", "control-plane"), host("lb-1", "load-balancer")],
    endpoint: { vip: "10.0.0.200", port: 6443, dns: "api" },
    haproxy: { socket: "/s", backend: "b" },
  };
  const fault = (target: string, pick: "first" | "random" | "all" = "first") =>
    parseScenario(base(`  type: link-down\n  target: ${target}\n  pick: ${pick}`), FILE).fault;
  const ids = (hosts: Host[]) => hosts.map((h) => h.id);
  const vip = { owner: "lb-2", holders: ["lb-2"] };

  it("vip-owner and vip-backup follow the VIP", () => {
    expect(ids(resolveTargets(fault("vip-owner"), topology, vip))).toEqual(["lb-2"]);
    expect(ids(resolveTargets(fault("vip-backup", "all"), topology, vip))).toEqual(["lb-1"]);
  });
  it("roles, with pick first (by id), all and random", () => {
    expect(ids(resolveTargets(fault("role:control-plane"), topology, vip))).toEqual(["cp-1"]);
    expect(ids(resolveTargets(fault("role:control-plane", "all"), topology, vip))).toEqual(["cp-1", "cp-2"]);
    expect(ids(resolveTargets(fault("role:control-plane", "random"), topology, vip, () => 0.99))).toEqual(["cp-2"]);
  });
  it("errors name what there is", () => {
    expect(() => resolveTargets(fault("cp-9"), topology, vip)).toThrow('fault.target: no host "cp-9" in lab "t" (hosts: cp-1, cp-2, lb-1, lb-2)');
    expect(() => resolveTargets(fault("vip-owner"), topology, { owner: null, holders: [] })).toThrow(/held by no host/);
    expect(() => resolveTargets(fault("vip-owner"), topology, { owner: null, holders: ["lb-1", "lb-2"] })).toThrow(/held by lb-1 and lb-2/);
  });
});
