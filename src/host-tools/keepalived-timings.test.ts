import { describe, expect, it } from "vitest";
import { parseKeepalivedConf } from "./keepalived-conf.js";
import { keepalivedSetupOf, vrrpInstanceFor } from "./keepalived-timings.js";

// kubeadm's reference (ha-considerations.md), VRRPv3 at 0.5 s and a preempt delay.
const CONF = `global_defs {
    vrrp_version 3
}
vrrp_script check_apiserver {
  script "/etc/keepalived/check_apiserver.sh"
  interval 3
  weight -2
  fall 10
  rise 2
}
vrrp_instance OTHER {
    virtual_ipaddress {
        10.9.9.9/24
    }
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 0.5
    preempt_delay 4
    virtual_ipaddress {
        192.0.2.10/24 dev eth0
    }
    track_script {
        check_apiserver
    }
}
`;

describe("a VRRP instance's timers from keepalived.conf", () => {
  it("finds the instance that carries the VIP, with its version, advert_int, priority, preemption and tracked script", () => {
    expect(vrrpInstanceFor(parseKeepalivedConf(CONF, "/etc/keepalived/keepalived.conf"), "192.0.2.10")).toEqual({
      name: "VI_1",
      file: "/etc/keepalived/keepalived.conf",
      line: 16,
      version: 3,
      advertIntMs: 500,
      downTimerAdverts: 3,
      peer: { priority: 100, nopreempt: false, preemptDelayMs: 4000 },
      script: { name: "check_apiserver", intervalMs: 3000, timeoutMs: 0, fall: 10, rise: 2, weight: -2, checks: "unknown" },
    });
  });

  it("Keepalived's defaults where nothing is said; VRRPv2 rounds advert_int to whole seconds; a track's weight wins", () => {
    const conf = `vrrp_script s {\n script "true"\n weight 5\n}\nvrrp_instance V {\n advert_int 1.4\n nopreempt\n virtual_ipaddress {\n 192.0.2.10\n }\n track_script {\n  s weight -30\n }\n}\n`;
    const instance = vrrpInstanceFor(parseKeepalivedConf(conf, "k.conf"), "192.0.2.10");
    expect(instance).toMatchObject({ version: 2, advertIntMs: 1000, peer: { priority: 100, nopreempt: true, preemptDelayMs: 0 }, script: { intervalMs: 1000, fall: 1, rise: 1, weight: -30 } });
  });

  it("bad input, naming the file and line: no instance for the VIP, a value that is not a number, a script that is not defined", () => {
    expect(vrrpInstanceFor(parseKeepalivedConf(CONF, "k.conf"), "192.0.2.99")).toBe("no vrrp_instance has the VIP 192.0.2.99 in its virtual_ipaddress: OTHER (k.conf:11), VI_1 (k.conf:16)");
    expect(vrrpInstanceFor(parseKeepalivedConf(CONF.replace("priority 100", "priority high"), "k.conf"), "192.0.2.10")).toBe('k.conf:20: priority: expected a number, got "high"');
    expect(vrrpInstanceFor(parseKeepalivedConf(CONF.replace("vrrp_script check_apiserver", "vrrp_script other"), "k.conf"), "192.0.2.10")).toBe("k.conf:27: track_script check_apiserver: expected a vrrp_script check_apiserver block, found none");
  });

  it("a tier: shared timers from the first balancer, each one's own priority", () => {
    const statements = parseKeepalivedConf(CONF, "k.conf");
    const lb1 = vrrpInstanceFor(statements, "192.0.2.10");
    const lb2 = vrrpInstanceFor(parseKeepalivedConf(CONF.replace("priority 100", "priority 99"), "k.conf"), "192.0.2.10");
    if (typeof lb1 === "string" || typeof lb2 === "string") throw new Error("expected instances");
    const setup = keepalivedSetupOf([{ hostId: "lb-1", instance: lb1 }, { hostId: "lb-2", instance: lb2 }], undefined, "keepalived.conf on lb-1, lb-2")!;
    expect(setup.common).toMatchObject({ version: 3, advertIntMs: 500, script: { name: "check_apiserver" } });
    expect(setup.peers).toEqual({ "lb-1": { priority: 100, nopreempt: false, preemptDelayMs: 4000 }, "lb-2": { priority: 99, nopreempt: false, preemptDelayMs: 4000 } });
  });
});
