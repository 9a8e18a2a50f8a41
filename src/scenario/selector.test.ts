import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import type { ExecTransport, Host, Role, Topology } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { parseSelector, resolveTargets, SELECTOR_PATTERN, trySelector } from "./selector.js";
import { FAULT_TYPES, type FaultSpec, type Pick } from "../model/scenario.js";

/** A transport that must never be used: resolving targets only reads ids and roles. */
const transport: ExecTransport = {
  kind: "docker",
  sharesClock: true,
  exec: () => Promise.reject(new Error("resolveTargets must not exec")),
  stream: () => Promise.reject(new Error("resolveTargets must not exec")),
};
const host = (id: string, ...roles: Role[]): Host => testHost(id, transport, { address: `10.0.0.${id.length}`, roles });
const topology = (...hosts: Host[]): Topology => ({
  kind: "lab",
  name: "t",
  hosts,
  endpoint: { vip: "10.0.0.200", port: 6443, dns: "api.cluster.local" },
  haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" }, vipManager: "keepalived",
});
// Listed out of order on purpose: "first" means first by id.
const lab = topology(host("lb-2", "load-balancer"), host("cp-2", "control-plane"), host("cp-3", "control-plane"), host("cp-1", "control-plane"), host("lb-1", "load-balancer"));
const kubeVip = topology(host("cp-1", "control-plane"), host("cp-2", "control-plane"), host("cp-3", "control-plane"));

const fault = (target: string, pick: Pick = "first", type: "link-down" | "backend-drain" = "link-down"): FaultSpec =>
  type === "link-down"
    ? { type, target, selector: parseSelector(target), pick }
    : { type, target, selector: parseSelector(target), pick, state: "drain" };
const ids = (hosts: Host[]): string[] => hosts.map((h) => h.id);
const owner = (id: string) => ({ owner: id, holders: [id] });
const thrown = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
};

describe("parseSelector", () => {
  it.each([
    ["vip-owner", { kind: "vip-owner" }],
    ["vip-backup", { kind: "vip-backup" }],
    ["role:control-plane", { kind: "role", role: "control-plane" }],
    ["role:load-balancer", { kind: "role", role: "load-balancer" }],
    ["cp-1", { kind: "host", id: "cp-1" }],
    ["k8s-master01.example.com", { kind: "host", id: "k8s-master01.example.com" }],
  ])("%s", (text, selector) => {
    expect(parseSelector(text)).toEqual(selector);
    expect(new RegExp(SELECTOR_PATTERN).test(text)).toBe(true);
  });

  it.each(["vip-ownr", "vip-owners", "role:worker", "roles:control-plane", "role-control-plane", "CP-1", "cp 1", "-cp", "", "@cp"])(
    "%j is refused, by the parser and by the editor pattern alike",
    (text) => {
      expect(trySelector(text)).toBeUndefined();
      expect(new RegExp(SELECTOR_PATTERN).test(text)).toBe(false);
      const error = thrown(() => parseSelector(text));
      expect(error.code).toBe("VIPDRILL_SELECTOR_INVALID");
      expect(error.message).toBe(`expected vip-owner, vip-backup, kube-vip-leader, role:control-plane, role:load-balancer or a host id such as cp-1, got ${JSON.stringify(text)}`);
    },
  );
});

describe("resolveTargets", () => {
  it("vip-owner is the host holding the VIP; vip-backup the other VIP candidates", () => {
    expect(ids(resolveTargets(fault("vip-owner"), lab, owner("lb-2")))).toEqual(["lb-2"]);
    expect(ids(resolveTargets(fault("vip-backup", "all"), lab, owner("lb-2")))).toEqual(["lb-1"]);
    // Without load balancers (kube-vip) the control planes are the candidates.
    expect(ids(resolveTargets(fault("vip-owner"), kubeVip, owner("cp-2")))).toEqual(["cp-2"]);
    expect(ids(resolveTargets(fault("vip-backup", "all"), kubeVip, owner("cp-2")))).toEqual(["cp-1", "cp-3"]);
  });

  it("roles and host ids, narrowed by pick: first by id, all (by id), random", () => {
    expect(ids(resolveTargets(fault("role:control-plane"), lab, owner("lb-1")))).toEqual(["cp-1"]);
    expect(ids(resolveTargets(fault("role:control-plane", "all"), lab, owner("lb-1")))).toEqual(["cp-1", "cp-2", "cp-3"]);
    expect(ids(resolveTargets(fault("role:load-balancer", "all"), lab, owner("lb-1")))).toEqual(["lb-1", "lb-2"]);
    expect(ids(resolveTargets(fault("role:control-plane", "random"), lab, owner("lb-1"), () => 0))).toEqual(["cp-1"]);
    expect(ids(resolveTargets(fault("role:control-plane", "random"), lab, owner("lb-1"), () => 0.5))).toEqual(["cp-2"]);
    expect(ids(resolveTargets(fault("role:control-plane", "random"), lab, owner("lb-1"), () => 0.9999))).toEqual(["cp-3"]);
    expect(ids(resolveTargets(fault("cp-2", "all"), lab, owner("lb-1")))).toEqual(["cp-2"]);
  });

  it("an unknown host id names the hosts there are", () => {
    const error = thrown(() => resolveTargets(fault("cp-9"), lab, owner("lb-1")));
    expect(error.code).toBe("VIPDRILL_UNKNOWN_HOST");
    expect(error.message).toBe('fault.target: no host "cp-9" in lab "t" (hosts: cp-1, cp-2, cp-3, lb-1, lb-2)');
  });

  it("vip-owner with no owner, or with two (split brain), says so", () => {
    const none = thrown(() => resolveTargets(fault("vip-owner"), lab, { owner: null, holders: [] }));
    expect(none.code).toBe("VIPDRILL_NO_VIP_OWNER");
    expect(none.message).toBe("fault.target vip-owner: no host holds the VIP 10.0.0.200 (looked on lb-1, lb-2), so there is no owner to fault");
    const two = thrown(() => resolveTargets(fault("vip-owner"), lab, { owner: null, holders: ["lb-2", "lb-1"] }));
    expect(two.code).toBe("VIPDRILL_SEVERAL_VIP_OWNERS");
    expect(two.message).toBe("fault.target vip-owner: the VIP 10.0.0.200 is held by lb-1 and lb-2 at once (split brain), so there is no single owner to fault");
  });

  it("a selector that matches nobody is an error, not an empty drill", () => {
    const error = thrown(() => resolveTargets(fault("role:load-balancer"), kubeVip, owner("cp-1")));
    expect(error.code).toBe("VIPDRILL_NO_TARGET");
    expect(error.message).toBe('fault.target role:load-balancer: selects no host in lab "t" (hosts: cp-1, cp-2, cp-3)');
  });

  it("backend-drain acts on control planes only", () => {
    expect(ids(resolveTargets(fault("cp-1", "first", "backend-drain"), lab, owner("lb-1")))).toEqual(["cp-1"]);
    const error = thrown(() => resolveTargets(fault("lb-1", "first", "backend-drain"), lab, owner("lb-1")));
    expect(error.code).toBe("VIPDRILL_TARGET_ROLE");
    expect(error.message).toBe("fault.target lb-1: backend-drain acts on control planes, but lb-1 is a load-balancer");
  });

  it.each(FAULT_TYPES)("%s takes a load balancer only if it acts on any host", (type) => {
    const spec = { type, target: "lb-1", selector: parseSelector("lb-1"), pick: "first", service: "haproxy", state: "drain" } as FaultSpec;
    const resolve = () => ids(resolveTargets(spec, lab, owner("lb-1")));
    const controlPlaneOnly = ["backend-drain", "apiserver-unhealthy", "static-pod-stop", "container-kill"];
    if (controlPlaneOnly.includes(type)) expect(thrown(resolve).code).toBe("VIPDRILL_TARGET_ROLE");
    else expect(resolve()).toEqual(["lb-1"]);
  });
});
