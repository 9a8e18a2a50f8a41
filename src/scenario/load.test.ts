import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { scenarioJsonSchema } from "./json-schema.js";
import { builtinScenariosDir, defaultScenarioFile, listScenarios, loadScenario, parseScenario } from "./load.js";

/** Under the working directory, so messages name it relatively: "drill.yaml:5: …". */
const FILE = join(process.cwd(), "drill.yaml");

/** Lines 1–3; the fault starts on line 4, so `type:` is line 5 and `target:` line 6. */
const HEAD = "version: 1\nname: bad\ndescription: d\n";
const LINK_DOWN = "fault:\n  type: link-down\n  target: vip-owner\n"; // lines 4–6

/** The message of the UsageError the text is refused with. */
const refused = (text: string): string => {
  try {
    parseScenario(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("VIPDRILL_SCENARIO_INVALID");
    return (error as Error).message;
  }
  throw new Error("expected the scenario to be refused");
};

const SHIPPED = [
  "apiserver-stop-control-plane.yaml",
  "drain-control-plane.yaml",
  "haproxy-stop-vip-owner.yaml",
  "keepalived-stop-vip-owner.yaml",
  "kube-vip-container-kill.yaml",
  "kube-vip-kubelet-stop-leader.yaml",
  "kube-vip-link-pull-leader-15-10-2.yaml",
  "kube-vip-link-pull-leader.yaml",
  "kube-vip-static-pod-stop.yaml",
  "kubelet-stop-control-plane.yaml",
  "link-pull-vip-owner.yaml",
];
/**
 * Budgets other than the runbook's 5 s, each for a stated reason: kube-vip cannot fail over a
 * pulled link in 5 s with any timings it documents, so that drill's budget is its predicted window.
 */
const FAILOVER_BUDGET_MS: Record<string, number> = { "kube-vip-link-pull-leader": 10_500 };
/** Drills whose hold must outlast a failover the defaults make slow (15/10/2: up to 26.8 s). */
const LONG_DRILLS = new Set(["kube-vip-link-pull-leader-15-10-2", "kube-vip-link-pull-leader"]);

describe("shipped scenarios", () => {
  it("all eleven are listed, load and validate, with the runbook's 5 s failover budget unless said otherwise", async () => {
    const files = await listScenarios();
    expect(files).toEqual(SHIPPED.map((f) => join(builtinScenariosDir(), f)));
    for (const file of files) {
      const text = await readFile(file, "utf8");
      expect(text.split("\n")[0], file).toBe("# yaml-language-server: $schema=./scenario.schema.json");
      const scenario = await loadScenario(file);
      expect(`${scenario.name}.yaml`).toBe(file.slice(builtinScenariosDir().length + 1));
      expect(scenario.file).toBe(file);
      expect(scenario.budgets.failoverMs).toBe(FAILOVER_BUDGET_MS[scenario.name] ?? 5000);
      expect(scenario.description).not.toMatch(/\n/);
      // Short enough for a drill of under 40 s wall time (plus readiness), but for the slow kube-vip link pulls.
      expect(scenario.baselineMs + scenario.holdMs + scenario.settleMs).toBeLessThanOrEqual(LONG_DRILLS.has(scenario.name) ? 60_000 : 25_000);
    }
  });

  it("the default drill: link-down on the VIP owner, probes every 5 ms, the VIP must move", async () => {
    const s = await loadScenario(defaultScenarioFile());
    expect(s.name).toBe("link-pull-vip-owner");
    expect(s.fault).toEqual({ type: "link-down", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first" });
    expect(s.probes).toEqual({
      intervalMs: 5,
      timeoutMs: 1000,
      path: "/version",
      expect: "version",
      stableMs: 250,
      maxInFlight: 416, // ceil(2 · 1000 / 5) + 16
      keepAliveConnections: 0,
      keepAliveIntervalMs: 100,
    });
    expect(s.lab).toEqual({ topology: "haproxy-keepalived", subnet: "172.30.213.0/24", vip: "172.30.213.200", advertIntS: 1, controlPlanes: 3, loadBalancers: 2 });
    expect([s.baselineMs, s.holdMs, s.settleMs]).toEqual([5000, 10_000, 10_000]);
    expect(s.budgets).toEqual({ failoverMs: 5000, errorsAfterRecovery: 0, vipMove: "must", splitBrain: "forbid", healthyAfterRestore: true, latency: {} });
  });

  it("what each of the others does and expects", async () => {
    const load = (name: string) => loadScenario(join(builtinScenariosDir(), `${name}.yaml`));
    const keepalived = await load("keepalived-stop-vip-owner");
    expect([keepalived.fault, keepalived.budgets.vipMove]).toEqual([
      { type: "service-stop", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first", service: "keepalived" },
      "must",
    ]);
    const haproxy = await load("haproxy-stop-vip-owner");
    expect([haproxy.fault, haproxy.budgets.vipMove]).toEqual([
      { type: "service-stop", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first", service: "haproxy" },
      "must",
    ]);
    const drain = await load("drain-control-plane");
    expect([drain.fault, drain.budgets.failedProbes, drain.budgets.vipMove]).toEqual([
      { type: "backend-drain", target: "cp-1", selector: { kind: "host", id: "cp-1" }, pick: "first", state: "drain" },
      0,
      "must-not",
    ]);
    const apiserver = await load("apiserver-stop-control-plane");
    expect([apiserver.fault, apiserver.budgets.vipMove]).toEqual([
      { type: "service-stop", target: "cp-1", selector: { kind: "host", id: "cp-1" }, pick: "first", service: "kube-apiserver" },
      "must-not",
    ]);
    const kubelet = await load("kubelet-stop-control-plane");
    expect([kubelet.fault, kubelet.budgets.failedProbes, kubelet.budgets.vipMove]).toEqual([
      { type: "service-stop", target: "cp-1", selector: { kind: "host", id: "cp-1" }, pick: "first", service: "kubelet" },
      0,
      "must-not",
    ]);
  });

  it("the committed JSON Schema is the one the zod schema generates (npm run schema)", async () => {
    expect(await readFile(join(builtinScenariosDir(), "scenario.schema.json"), "utf8")).toBe(scenarioJsonSchema());
  });
});

describe("bad scenarios: one line each, file:line: path: expected …, got …", () => {
  it("an unknown fault type, on the line of type:", () => {
    expect(refused(`${HEAD}fault:\n  type: link-pull\n  target: vip-owner\n`)).toBe(
      'drill.yaml:5: fault.type: expected one of "service-stop", "link-down", "backend-drain", "node-kill", "node-pause", "apiserver-unhealthy", "static-pod-stop", "container-kill", got "link-pull"',
    );
    expect(refused(`${HEAD}fault:\n  target: vip-owner\n`)).toBe(
      'drill.yaml:4: fault.type: expected one of "service-stop", "link-down", "backend-drain", "node-kill", "node-pause", "apiserver-unhealthy", "static-pod-stop", "container-kill", got nothing',
    );
  });

  it("a selector typo", () => {
    expect(refused(`${HEAD}fault:\n  type: link-down\n  target: vip-ownr\n`)).toBe(
      'drill.yaml:6: fault.target: expected vip-owner, vip-backup, kube-vip-leader, role:control-plane, role:load-balancer or a host id such as cp-1, got "vip-ownr"',
    );
  });

  it("a duration typo, and a bare number", () => {
    expect(refused(`${HEAD}${LINK_DOWN}hold: 5 sec\n`)).toBe('drill.yaml:7: hold: expected a duration such as 250ms, 5s or 1m, got "5 sec"');
    expect(refused(`${HEAD}${LINK_DOWN}baseline: 5\n`)).toBe("drill.yaml:7: baseline: expected a duration such as 250ms, 5s or 1m, got 5");
    expect(refused(`${HEAD}${LINK_DOWN}budgets:\n  latency:\n    baseline: { p99: 5 ms }\n`)).toBe(
      'drill.yaml:9: budgets.latency.baseline.p99: expected a duration such as 250ms, 5s or 1m, got "5 ms"',
    );
  });

  it("a VIP outside the lab subnet, inside Docker's range, or the broadcast address", () => {
    expect(refused(`${HEAD}${LINK_DOWN}lab:\n  vip: 10.0.0.5\n`)).toBe(
      "drill.yaml:8: lab.vip: expected an address inside 172.30.213.0/24 outside Docker's range 172.30.213.0/25, got 10.0.0.5",
    );
    expect(refused(`${HEAD}${LINK_DOWN}lab:\n  subnet: 10.9.0.0/16\n  vip: 10.9.0.200\n`)).toBe(
      "drill.yaml:9: lab.vip: expected an address inside 10.9.0.0/16 outside Docker's range 10.9.0.0/17, got 10.9.0.200",
    );
    expect(refused(`${HEAD}${LINK_DOWN}lab:\n  vip: 172.30.213.255\n`)).toBe(
      "drill.yaml:8: lab.vip: expected an address inside 172.30.213.0/24 outside Docker's range 172.30.213.0/25, got 172.30.213.255 (the broadcast address)",
    );
    expect(refused(`${HEAD}${LINK_DOWN}lab:\n  subnet: 10.0.0.0/28\n`)).toBe(
      "drill.yaml:8: lab.subnet: expected an IPv4 CIDR from /8 to /24 such as 172.30.213.0/24, got 10.0.0.0/28",
    );
  });

  it("an unknown key names the keys there are, on its own line", () => {
    expect(refused(`${HEAD}fault:\n  type: service-stop\n  target: vip-owner\n  service: haproxy\n  servce: x\n`)).toBe(
      'drill.yaml:8: fault.servce: unknown key "servce" (expected one of: "type", "target", "pick", "service")',
    );
    expect(refused(`${HEAD}${LINK_DOWN}holdd: 5s\n`)).toBe(
      'drill.yaml:7: holdd: unknown key "holdd" (expected one of: "version", "name", "description", "lab", "dns", "probes", "baseline", "fault", "hold", "settle", "repeat", "budgets")',
    );
    expect(refused(`${HEAD}${LINK_DOWN}budgets:\n  latency:\n    during: { p99: 5ms }\n`)).toBe(
      'drill.yaml:9: budgets.latency.during: unknown key "during" (expected one of: "baseline", "fault", "recovered", "after-restore")',
    );
  });

  it("a missing field, on the line of the mapping it belongs in", () => {
    expect(refused(`${HEAD}fault:\n  type: service-stop\n  target: vip-owner\n`)).toBe(
      "drill.yaml:4: fault.service: expected a unit name such as keepalived, haproxy, kube-apiserver or kubelet (service-stop needs one), got nothing",
    );
    expect(refused(`${HEAD}fault:\n  type: link-down\n`)).toBe(
      "drill.yaml:4: fault.target: expected vip-owner, vip-backup, kube-vip-leader, role:control-plane, role:load-balancer or a host id such as cp-1, got nothing",
    );
    expect(refused("version: 1\nname: x\ndescription: d\n")).toBe("drill.yaml:1: fault: expected a mapping with type and target, got nothing");
    expect(refused(`version: 1\nname: x\n${LINK_DOWN}`)).toBe("drill.yaml:1: description: expected a sentence saying what the drill proves, got nothing");
  });

  it("a bad enum value lists the ones there are", () => {
    expect(refused(`${HEAD}${LINK_DOWN}budgets:\n  vipMove: maybe\n`)).toBe('drill.yaml:8: budgets.vipMove: expected one of "must", "must-not", "any", got "maybe"');
    expect(refused(`${HEAD}${LINK_DOWN}  pick: last\n`)).toBe('drill.yaml:7: fault.pick: expected one of "first", "random", "all", got "last"');
    expect(refused(`version: 2\nname: x\ndescription: d\n${LINK_DOWN}`)).toBe("drill.yaml:1: version: expected 1 (the only format version), got 2");
  });

  it("cross-field checks point at the field to change", () => {
    expect(refused(`${HEAD}fault:\n  type: backend-drain\n  target: role:load-balancer\n`)).toBe(
      'drill.yaml:6: fault.target: expected control planes for backend-drain (role:control-plane or a host id such as cp-1), got "role:load-balancer"',
    );
    expect(refused(`${HEAD}${LINK_DOWN}probes:\n  interval: 2s\n  timeout: 1s\n`)).toBe(
      "drill.yaml:8: probes.interval: expected more than 0 and less than probes.timeout (1000 ms), got 2000 ms",
    );
    expect(refused(`${HEAD}${LINK_DOWN}probes:\n  interval: 100ms\n  stable: 50ms\n`)).toBe(
      "drill.yaml:9: probes.stable: expected at least one probes.interval (100 ms), got 50 ms",
    );
  });

  it("several problems: one line each, in file order", () => {
    expect(refused("version: 2\nname: Bad_Name\ndescription: d\nfoo: 1\nfault:\n  type: link-down\n  target: vip-owner\nhold: 5\n").split("\n")).toEqual([
      "drill.yaml:1: version: expected 1 (the only format version), got 2",
      'drill.yaml:2: name: expected a name of lower-case letters, digits and dashes, got "Bad_Name"',
      'drill.yaml:4: foo: unknown key "foo" (expected one of: "version", "name", "description", "lab", "dns", "probes", "baseline", "fault", "hold", "settle", "repeat", "budgets")',
      "drill.yaml:8: hold: expected a duration such as 250ms, 5s or 1m, got 5",
    ]);
  });

  it("YAML syntax errors, with line and column", () => {
    expect(refused("version: 1\nname: bad\n  description: d\n")).toBe("drill.yaml:2:7: Nested mappings are not allowed in compact mappings");
    expect(refused(`${HEAD}${LINK_DOWN}hold: 1s\nhold: 2s\n`)).toBe('drill.yaml:8:1: duplicate key "hold" (map keys must be unique)');
    expect(refused(`${HEAD}${LINK_DOWN}---\nfoo: 1\n`)).toBe("drill.yaml:7:1: a scenario is one YAML document, but there is a second one here (after ---)");
  });

  it("an empty file, or one that is not a mapping", () => {
    expect(refused("# nothing yet\n")).toBe("drill.yaml:1: expected a scenario mapping (version, name, description, fault, …), got an empty file");
    expect(refused("- link-down\n")).toBe("drill.yaml:1: expected a scenario mapping (version, name, description, fault, …), got a list");
  });

  it("a missing file says where the scenarios are", async () => {
    const error = await loadScenario(join(process.cwd(), "scenarios", "nope.yaml")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("VIPDRILL_SCENARIO_NOT_FOUND");
    expect((error as UsageError).message).toBe("scenarios/nope.yaml: no such file (scenarios are in scenarios/; `vipdrill validate` lists them)");
  });

  it("a file outside the working directory is named by its absolute path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-scenario-"));
    const file = join(dir, "mine.yaml");
    await writeFile(file, `${HEAD}${LINK_DOWN}hold: 5 sec\n`);
    await expect(loadScenario(file)).rejects.toThrow(`${file}:7: hold: expected a duration such as 250ms, 5s or 1m, got "5 sec"`);
  });

  it("a bare name is looked up among the shipped scenarios", async () => {
    expect((await loadScenario("keepalived-stop-vip-owner")).file).toBe(join(builtinScenariosDir(), "keepalived-stop-vip-owner.yaml"));
    expect((await loadScenario("drain-control-plane.yaml")).name).toBe("drain-control-plane");
  });
});
