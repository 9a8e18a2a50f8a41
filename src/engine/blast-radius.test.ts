import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { parseSelector } from "../scenario/selector.js";
import type { FaultSpec } from "../model/scenario.js";
import type { ExecTransport, Host, Role, Topology } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { blastRadius, guardBlastRadius } from "./blast-radius.js";

const none = {} as ExecTransport;
const host = (id: string, role: Role): Host => testHost(id, none, { address: "192.0.2.1", roles: [role] });
const topology = (cps: number, lbs: number): Topology => ({
  kind: "inventory",
  name: "staging",
  hosts: [...Array.from({ length: cps }, (_, i) => host(`cp-${i + 1}`, "control-plane")), ...Array.from({ length: lbs }, (_, i) => host(`lb-${i + 1}`, "load-balancer"))],
  endpoint: { vip: "192.0.2.10", port: 6443, dns: "api" },
  haproxy: { socket: "/s", backend: "b" }, vipManager: "keepalived",
});
const pick = (t: Topology, ids: string[]): Host[] => t.hosts.filter((h) => ids.includes(h.id));
const spec = (target: string, pickMode: FaultSpec["pick"] = "all"): FaultSpec =>
  ({ type: "service-stop", service: "haproxy", target, selector: parseSelector(target), pick: pickMode });

describe("blast-radius guard", () => {
  it("allows a minority of control planes and all but one load balancer", () => {
    expect(blastRadius(pick(topology(3, 2), ["cp-1"]), topology(3, 2)).refusals).toEqual([]);
    expect(blastRadius(pick(topology(5, 2), ["cp-1", "cp-2"]), topology(5, 2)).refusals).toEqual([]);
    expect(blastRadius(pick(topology(3, 3), ["lb-1", "lb-2"]), topology(3, 3)).refusals).toEqual([]);
  });

  it("refuses half or more of the control planes, every load balancer, or the only one", () => {
    expect(blastRadius(pick(topology(3, 2), ["cp-1", "cp-2"]), topology(3, 2)).refusals).toEqual(["2 of 3 control planes (cp-1, cp-2) is not a minority"]);
    expect(blastRadius(pick(topology(4, 2), ["cp-1", "cp-2"]), topology(4, 2)).refusals).toHaveLength(1);
    expect(blastRadius(pick(topology(1, 2), ["cp-1"]), topology(1, 2)).refusals).toHaveLength(1);
    expect(blastRadius(pick(topology(3, 2), ["lb-1", "lb-2"]), topology(3, 2)).refusals).toEqual(["every load balancer (lb-1, lb-2) at once"]);
    expect(blastRadius(pick(topology(3, 1), ["lb-1"]), topology(3, 1)).refusals).toEqual(["the only load balancer (lb-1) at once"]);
  });

  it("says what it refused and how to override; the override lets it through", () => {
    const t = topology(3, 2);
    const call = () => guardBlastRadius(spec("role:load-balancer"), pick(t, ["lb-1", "lb-2"]), t, false);
    expect(call).toThrow(UsageError);
    expect(call).toThrow(/service-stop on role:load-balancer \(pick all\) would take out every load balancer \(lb-1, lb-2\) at once: refused.*--allow-wide-blast-radius/);
    expect(guardBlastRadius(spec("role:load-balancer"), pick(t, ["lb-1", "lb-2"]), t, true).loadBalancers.faulted).toEqual(["lb-1", "lb-2"]);
  });
});
