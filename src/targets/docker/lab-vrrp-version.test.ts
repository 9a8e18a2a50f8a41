import { describe, expect, it } from "vitest";
import { planLab } from "./docker-lab.js";
import type { LabCertificates } from "./lab-certs.js";
import { KEEPALIVED_CONF, renderLabFiles } from "./lab-files.js";
import { labTopology } from "./lab-topology.js";
import { refusingTransport } from "../../model/refusing-transport.js";
import type { NodeLifecycle } from "../../model/host.js";

const spec = { topology: "haproxy-keepalived", subnet: "172.30.99.0/24", vip: "172.30.99.200", controlPlanes: 1, loadBalancers: 2 } as const;
const certs: LabCertificates = { caPem: "CA\n", nodes: new Map([["cp-1", { certPem: "C\n", keyPem: "K\n" }]]) };
const lifecycle = {} as NodeLifecycle;

describe("lab.advertInt below 1 s or fractional", () => {
  it("runs the templates with VRRPv3 and the interval to the centisecond; whole seconds stay VRRPv2", async () => {
    const conf = async (advertIntS: number): Promise<string> =>
      (await renderLabFiles(planLab({ ...spec, advertIntS }, "api.test", "unit"), certs)).get("lb-1")!.find((f) => f.path === KEEPALIVED_CONF)!.content;
    expect(await conf(0.5)).toMatch(/^\s+vrrp_version 3$/m);
    expect(await conf(0.5)).toMatch(/^\s+advert_int 0\.5$/m);
    expect(await conf(2)).toMatch(/^\s+vrrp_version 2$/m);
  });

  it("says so in the report: VRRPv3 and the authentication it ignores", () => {
    const topology = (advertIntS: number) => labTopology(planLab({ ...spec, advertIntS }, "api.test", "unit"), () => refusingTransport("docker"), lifecycle);
    expect(topology(0.5).configuration?.overrides).toEqual([expect.stringMatching(/^lab\.advertInt 0\.5: vrrp_version 3 .* Keepalived ignores the template's auth_pass$/)]);
    expect(topology(0.5).keepalived?.common).toMatchObject({ version: 3, advertIntMs: 500 });
    expect(topology(1).configuration).toBeUndefined();
  });
});
