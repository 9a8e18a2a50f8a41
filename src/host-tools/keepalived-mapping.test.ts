import { describe, expect, it } from "vitest";
import { parseKeepalivedConf } from "./keepalived-conf.js";
import { mapKeepalived, vrrpNodesOf, type KeepalivedLab } from "./keepalived-mapping.js";
import { renderKeepalivedConf } from "./keepalived-render.js";
import { AUTH_PASS, PRODUCTION_KEEPALIVED as PROPOSED } from "../../test/helpers/production-config.js";


const LAB: KeepalivedLab = {
  balancers: [
    { id: "lb-1", address: "172.30.224.21" },
    { id: "lb-2", address: "172.30.224.22" },
  ],
  vips: ["172.30.224.200", "172.30.224.201"],
  prefix: 24,
  interface: "eth0",
  checkScript: "/etc/keepalived/check_apiserver.sh",
  hasCommand: (c) => c === "/usr/bin/pidof",
  hasUser: (u) => u === "root",
};

const source = (text: string, path = "prod/keepalived.conf") => ({ path, statements: parseKeepalivedConf(text, path) });
const rendered = (m: ReturnType<typeof mapKeepalived>, node: string): string => renderKeepalivedConf(m.perNode.get(node)!).text;
/** A statement's words in node's rendering, by keyword, wherever it is. */
const words = (text: string, keyword: string): string[] => text.split("\n").filter((l) => l.trim().split(/\s+/)[0] === keyword).map((l) => l.trim());

describe("a production keepalived.conf on the lab's balancers", () => {
  const mapped = mapKeepalived([source(PROPOSED)], LAB);
  const lb1 = rendered(mapped, "lb-1");
  const lb2 = rendered(mapped, "lb-2");

  it("puts the VIP, interface, unicast addresses and router id of the lab in place of production's", () => {
    expect(lb1).toContain("172.30.224.200/24 dev eth0 label eth0:api");
    expect(words(lb1, "interface")).toEqual(["interface eth0"]);
    expect(words(lb1, "unicast_src_ip")).toEqual(["unicast_src_ip 172.30.224.21"]);
    expect(words(lb2, "unicast_src_ip")).toEqual(["unicast_src_ip 172.30.224.22"]);
    expect(lb1).toMatch(/unicast_peer \{\n\s+172\.30\.224\.22\n\s+\}/);
    expect(lb2).toMatch(/unicast_peer \{\n\s+172\.30\.224\.21\n\s+\}/);
    expect(words(lb2, "router_id")).toEqual(["router_id lb-2"]);
    expect(lb1).not.toMatch(/10\.40\.0\.|ens192/);
  });

  it("keeps every timing, weight and priority as written", () => {
    for (const text of [lb1, lb2]) {
      expect(words(text, "advert_int")).toEqual(["advert_int 2"]);
      expect([...words(text, "interval"), ...words(text, "timeout"), ...words(text, "fall"), ...words(text, "rise"), ...words(text, "weight")]).toEqual(["interval 1", "timeout 1", "fall 2", "rise 2", "weight 0"]);
    }
    expect(words(lb1, "priority")).toEqual(["priority 150"]);
    expect(words(lb1, "state")).toEqual(["state MASTER"]);
  });

  it("gives each further balancer of a single file a priority one lower, as BACKUP, and says so", () => {
    expect(words(lb2, "priority")).toEqual(["priority 149"]);
    expect(words(lb2, "state")).toEqual(["state BACKUP"]);
    const row = mapped.rows.find((r) => r.item === "priority");
    expect([row?.line, row?.production]).toEqual([19, "150"]);
    expect(row?.lab).toMatch(/^lb-1: 150 \(kept\); lb-2: 149 \(one file for every balancer: each further one a priority lower\)$/);
  });

  it("runs the lab's check in place of a script the lab cannot have, with the same timings, and names it", () => {
    expect(words(lb1, "script")).toEqual(["script /etc/keepalived/check_apiserver.sh"]);
    expect(mapped.unmapped).toContainEqual(expect.stringMatching(/^prod\/keepalived\.conf:8: vrrp_script check_apiserver: \/opt\/checks\/apiserver\.sh cannot exist in the lab/));
    expect(words(lb1, "script_user")).toEqual(["script_user root"]);
  });

  it("leaves production's notifications out, saying so", () => {
    expect(lb1).not.toContain("notify_master");
    expect(mapped.unmapped).toContainEqual(expect.stringMatching(/:35: notify_master .*not run in the lab/));
  });

  it("keeps auth_pass in the lab's files but in no row or sentence, and hands it over as a secret", () => {
    expect(lb1).toContain(`auth_pass ${AUTH_PASS}`);
    expect(JSON.stringify([mapped.rows, mapped.unmapped])).not.toContain(AUTH_PASS);
    expect(mapped.secrets).toEqual([AUTH_PASS]);
  });

  it("keeps a script the lab has, pointing its production addresses at the lab's", () => {
    const m = mapKeepalived([source(PROPOSED.replace('"/opt/checks/apiserver.sh --vip 10.40.0.100"', '"/usr/bin/pidof haproxy 10.40.0.100"'))], LAB);
    expect(words(rendered(m, "lb-1"), "script")).toEqual(['script "/usr/bin/pidof haproxy 172.30.224.200"']);
  });

  it("counts the VRRP nodes a file describes (its unicast peers and itself)", () => {
    expect(vrrpNodesOf(source(PROPOSED))).toMatchObject({ nodes: 2, line: 22 });
  });
});

describe("VIPs and router ids the lab cannot take as they are", () => {
  const TWO_VIPS = `vrrp_instance VI_API {
    interface ens192
    virtual_router_id 61
    virtual_ipaddress {
        10.40.0.100/24
    }
}
vrrp_instance VI_INGRESS {
    interface ens224
    virtual_router_id 61
    virtual_ipaddress {
        10.50.0.100/24
        fd00::100/64
    }
}
`;

  it("drills the first of two VIPs, holds the second at a spare address, and says which is which", () => {
    const m = mapKeepalived([source(TWO_VIPS)], LAB);
    const text = rendered(m, "lb-1");
    expect(text).toContain("172.30.224.200/24");
    expect(text).toContain("172.30.224.201/24");
    expect(m.vips.map((v) => [v.production, v.lab])).toEqual([
      ["10.40.0.100", "172.30.224.200"],
      ["10.50.0.100", "172.30.224.201"],
    ]);
    expect(m.unmapped).toContainEqual(expect.stringMatching(/the first, 10\.40\.0\.100 \(prod\/keepalived\.conf:5\), is the one drilled .* 10\.50\.0\.100 .* → 172\.30\.224\.201 is held by the lab too, not drilled/));
    expect(m.unmapped).toContainEqual(expect.stringMatching(/:13: virtual_ipaddress fd00::100\/64: not an IPv4 address/));
  });

  it("renumbers a router id that two instances share once both are on the lab's one interface", () => {
    const m = mapKeepalived([source(TWO_VIPS)], LAB);
    expect(words(rendered(m, "lb-1"), "virtual_router_id")).toEqual(["virtual_router_id 61", "virtual_router_id 1"]);
    expect(m.unmapped).toContainEqual(expect.stringMatching(/:10: vrrp_instance VI_INGRESS: virtual_router_id 61 .* renumbered 1/));
  });

  it("refuses two instances with one router id on one interface, naming both lines", () => {
    expect(() => mapKeepalived([source(TWO_VIPS.replace("ens224", "ens192"))], LAB)).toThrow(
      /^prod\/keepalived\.conf:10: vrrp_instance VI_INGRESS: virtual_router_id 61 is already used on interface ens192 by vrrp_instance VI_API \(line 1\): expected a different virtual_router_id/,
    );
  });

  it("refuses more VIPs than the lab has addresses for, naming the first it cannot place", () => {
    expect(() => mapKeepalived([source(TWO_VIPS)], { ...LAB, vips: ["172.30.224.200"] })).toThrow(/^prod\/keepalived\.conf:12: virtual_ipaddress 10\.50\.0\.100: expected at most 1 VIPs/);
  });

  it("refuses a file without an IPv4 VIP", () => {
    expect(() => mapKeepalived([source("vrrp_instance V {\n interface eth0\n virtual_router_id 5\n}\n")], LAB)).toThrow(/:1: virtual_ipaddress: expected an IPv4 address/);
  });
});

describe("one file per balancer", () => {
  it("gives each balancer its own file with its priority and state as written", () => {
    const backup = PROPOSED.replace("state MASTER", "state BACKUP").replace("priority 150", "priority 120").replace("10.40.0.11", "10.40.0.12").replace("        10.40.0.12\n", "        10.40.0.11\n");
    const m = mapKeepalived([source(PROPOSED, "lb1.conf"), source(backup, "lb2.conf")], LAB);
    expect(words(rendered(m, "lb-2"), "priority")).toEqual(["priority 120"]);
    expect(words(rendered(m, "lb-2"), "state")).toEqual(["state BACKUP"]);
    expect(words(rendered(m, "lb-2"), "unicast_src_ip")).toEqual(["unicast_src_ip 172.30.224.22"]);
  });
});
