import { describe, expect, it } from "vitest";
import type { KeepalivedSetup } from "../model/keepalived.js";
import { parseHaproxyCfg } from "./haproxy-cfg.js";
import { parseKeepalivedConf } from "./keepalived-conf.js";
import { renderKeepalivedConf } from "./keepalived-render.js";
import { applyToHaproxy, applyToKeepalived } from "./sweep-apply.js";
import { combinationProblem, combinationsOf, combinationSlug, parseSweepSets, timingsWith } from "./sweep-settings.js";

describe("--set", () => {
  it("reads each setting's values with their type", () => {
    expect(parseSweepSets(["keepalived.advert_int=1,0.5,2", "haproxy.inter=500ms,2000"])).toEqual([
      { key: "keepalived.advert_int", values: [{ text: "1", value: 1 }, { text: "0.5", value: 0.5 }, { text: "2", value: 2 }] },
      { key: "haproxy.inter", values: [{ text: "500ms", value: 500 }, { text: "2000", value: 2000 }] },
    ]);
  });

  it("refuses a key it does not know in one line that lists the keys", () => {
    expect(() => parseSweepSets(["keepalived.advertint=1"])).toThrow(/^--set keepalived\.advertint=1: expected a setting vipdrill knows, got "keepalived\.advertint" \(keys: keepalived\.advert_int \(.*haproxy\.fall .*\)$/);
  });

  it.each([
    ["haproxy.fall=2,two", /haproxy\.fall: expected a count, 1–1000, got "two"/],
    ["keepalived.advert_int=0.005", /expected seconds, 0\.01–255; below 1 s or fractional: VRRPv3, got "0\.005"/],
    ["keepalived.vrrp_version=4", /expected 2 or 3, got "4"/],
    ["haproxy.inter=", /expected haproxy\.inter=V1,V2/],
  ])("refuses %s as a value of the wrong type", (set, message) => {
    expect(() => parseSweepSets([set])).toThrow(message);
  });

  it("drills every combination, the first setting varying slowest", () => {
    const combos = combinationsOf(parseSweepSets(["keepalived.advert_int=1,0.5", "haproxy.fall=2,3"]));
    expect(combos.map(combinationSlug)).toEqual(["advert_int-1_fall-2", "advert_int-1_fall-3", "advert_int-0.5_fall-2", "advert_int-0.5_fall-3"]);
  });

  it("refuses a fractional advert_int with VRRPv2, which would round it", () => {
    const [combo] = combinationsOf(parseSweepSets(["keepalived.advert_int=0.5", "keepalived.vrrp_version=2"]));
    expect(combinationProblem(combo!)).toMatch(/expected whole seconds for VRRPv2, which rounds 0\.5 to 1 s/);
  });
});

const CONF = `global_defs {
    router_id lb-1
}
vrrp_script chk {
    script "/etc/keepalived/check_apiserver.sh"
    fall 2
}
vrrp_instance VI_1 {
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 5ecr3tpw
    }
}
`;

describe("a combination written into the balancers' files", () => {
  it("runs a fractional advert_int with VRRPv3, leaving out the authentication v3 ignores, and says so", () => {
    const [combo] = combinationsOf(parseSweepSets(["keepalived.advert_int=0.5", "keepalived.vrrp_script.fall=3"]));
    const { statements, implied } = applyToKeepalived(parseKeepalivedConf(CONF), combo!);
    const text = renderKeepalivedConf(statements).text;
    expect(text).toMatch(/global_defs \{\n {4}router_id lb-1\n {4}vrrp_version 3\n\}/);
    expect(text).toMatch(/ {4}advert_int 0\.5\n/);
    expect(text).toMatch(/ {4}fall 3\n/);
    expect(text).not.toMatch(/authentication|auth_pass/);
    expect(implied).toEqual([expect.stringMatching(/advert_int 0\.5 needs VRRPv3 .* VRRPv3 carries no authentication .* left out$/)]);
  });

  it("leaves a whole-second advert_int on VRRPv2", () => {
    const [combo] = combinationsOf(parseSweepSets(["keepalived.advert_int=2"]));
    const { statements, implied } = applyToKeepalived(parseKeepalivedConf(CONF), combo!);
    expect(renderKeepalivedConf(statements).text).not.toContain("vrrp_version");
    expect(implied).toEqual([]);
  });

  it("sets HAProxy's checks on the apiservers' default-server, and on a server that sets its own", () => {
    const cfg = "frontend api\n    bind *:6443\n    default_backend be\nbackend be\n    default-server check inter 1s fall 3 rise 2\n    server cp-1 10.0.0.1:6443\n    server cp-2 10.0.0.2:6443 fall 5\n";
    const [combo] = combinationsOf(parseSweepSets(["haproxy.fall=2", "haproxy.inter=500ms"]));
    const lines = applyToHaproxy(parseHaproxyCfg(cfg, "h.cfg"), "h.cfg", 6443, combo!).text.split("\n");
    expect(lines.slice(4, 7)).toEqual(["    default-server check inter 500ms fall 2 rise 2", "    server cp-1 10.0.0.1:6443", "    server cp-2 10.0.0.2:6443 fall 2"]);
  });
});

describe("the timers a combination predicts from", () => {
  const setup: KeepalivedSetup = {
    common: { version: 2, advertIntMs: 1000, downTimerAdverts: 3, haproxy: { interMs: 1000, fastInterMs: 1000, downInterMs: 1000, fall: 3, rise: 2, redispatch: true } },
    peers: { "lb-1": { priority: 101, nopreempt: false, preemptDelayMs: 0 } },
    source: "the lab's templates",
  };

  it("takes a fractional advert_int as VRRPv3, and HAProxy's fall as given", () => {
    const [combo] = combinationsOf(parseSweepSets(["keepalived.advert_int=0.5", "haproxy.fall=2"]));
    const t = timingsWith(setup, combo!);
    expect(t.common).toMatchObject({ version: 3, advertIntMs: 500, haproxy: { fall: 2 } });
    expect(t.source).toBe("the lab's templates, with keepalived.advert_int=0.5, haproxy.fall=2");
  });
});
