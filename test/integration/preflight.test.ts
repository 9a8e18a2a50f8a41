import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readinessGaps } from "../../src/engine/readiness.js";
import { preflightFailed, renderPreflight, runPreflight, type PreflightCheck, type PreflightResult } from "../../src/preflight/preflight.js";
import type { DockerLabProvider, StartedLab } from "../../src/targets/docker/docker-lab.js";
import type { Host } from "../../src/model/host.js";
import { eventually, host, startLab } from "../helpers/lab.js";

const LAB = "vipdrill-it-pre";
const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";
const SOCKET = ["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"];

describe.sequential("preflight on a real lab", () => {
  let lab: StartedLab;
  let provider: DockerLabProvider;

  beforeAll(async () => {
    ({ lab, provider } = await startLab(LAB, 217));
  });
  afterAll(async () => {
    await provider?.down(LAB);
  });

  const t = () => lab.topology;
  const vip = () => t().endpoint.vip;
  /** api.cluster.local is not in any resolver here: map it to the VIP as the runbook's record would. */
  const resolver = async (name: string): Promise<string[]> => {
    if (name === t().endpoint.dns) return [vip()];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
  };
  const preflight = (): Promise<PreflightResult> => runPreflight(t(), { resolver });
  const byId = (result: PreflightResult, id: PreflightCheck["id"]): PreflightCheck => result.checks.find((c) => c.id === id)!;
  const failedIds = (result: PreflightResult): string[] => result.checks.filter((c) => c.status === "fail").map((c) => c.id);
  const exec = async (on: Host, argv: string[], stdin?: string): Promise<string> => {
    const r = await on.transport.exec(argv, stdin === undefined ? {} : { stdin });
    expect(r.exitCode, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  /** Every check passes (a fault just undone may take a few health checks to heal). */
  const allPass = () =>
    eventually(
      async () => {
        const result = await preflight();
        return preflightFailed(result) ? undefined : result;
      },
      30_000,
      "every preflight check to pass",
    );

  it("passes every check on a healthy lab", async () => {
    await eventually(async () => ((await readinessGaps(t())).length === 0 ? true : undefined), 30_000, "a healthy lab");
    const result = await allPass();
    console.log(renderPreflight(result, { color: false }));
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ["dns", "pass"],
      ["certificate-sans", "pass"],
      ["version", "pass"],
      ["vrrp-auth", "pass"],
      ["haproxy-backends", "pass"],
      // Keepalived holds this lab's VIP: kube-vip's checks say so and skip.
      ["kube-vip-manifest", "skip"],
      ["kube-vip-lease", "skip"],
      ["daemon-config", "pass"],
      ["predicted-failover", "pass"],
      ["vip-single-owner", "pass"],
      ["observers", "pass"],
    ]);
    expect(byId(result, "dns").seen).toBe(`api.cluster.local → ${vip()}`);
    expect(byId(result, "certificate-sans").seen).toMatch(
      /^cp-1: ✓ VIP ✓ api\.cluster\.local ✓ cp-1; cp-2: .*; through the VIP \(served by cp-[123]\): ✓ VIP ✓ api\.cluster\.local ✓ cp-[123]; verifies against the endpoint CA$/,
    );
    expect(byId(result, "version").seen).toMatch(/^cp-1 v\S+, cp-2 v\S+, cp-3 v\S+; through the VIP v\S+$/);
    expect(byId(result, "vrrp-auth").seen).toBe("lb-1: VI_1 auth PASS; lb-2: VI_1 auth PASS");
    expect(byId(result, "haproxy-backends").seen).toBe("lb-1: cp-1 UP, cp-2 UP, cp-3 UP; lb-2: cp-1 UP, cp-2 UP, cp-3 UP");
    expect(byId(result, "vip-single-owner").seen).toBe(`lb-1 holds ${vip()}; lb-2 does not hold it`);
    // The lab's templates: advert_int 1, VRRPv2, the backup at priority 100 — 3 × 1 s + (256 − 100)/256 s, one interval less at best.
    expect(byId(result, "predicted-failover").seen).toMatch(/^lb-1 holds the VIP; link-down on vip-owner fails over in 2\.61–3\.61 s by .*, within the budget 5 s$/);
    expect(byId(result, "daemon-config").seen).toMatch(/^lb-1: keepalived\.conf \/etc\/keepalived\/keepalived\.conf \(.*\); HAProxy socket \/run\/haproxy\/admin\.sock \(.*\); lb-2: /);
    expect(byId(result, "observers").seen).toBe("lb-1: ip monitor runs, Keepalived's log from the journal; lb-2: ip monitor runs, Keepalived's log from the journal");
  });

  it("skips dns, saying why, where the name does not resolve", async () => {
    const result = await runPreflight(t(), {
      resolver: async (name) => Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" })),
    });
    expect(byId(result, "dns")).toMatchObject({ status: "skip", seen: expect.stringContaining("not resolvable from here") as unknown });
    expect(preflightFailed(result)).toBe(false);
  });

  it("haproxy-backends fails naming lb-1 and cp-3 when cp-3 is put in maintenance there", async () => {
    const lb1 = host(t(), "lb-1");
    await exec(lb1, SOCKET, "set server kube-apiservers/cp-3 state maint\n");
    try {
      const result = await preflight();
      console.log(renderPreflight(result, { color: false }));
      expect(failedIds(result)).toEqual(["haproxy-backends"]);
      expect(byId(result, "haproxy-backends").seen).toMatch(/^lb-1: cp-1 UP, cp-2 UP, cp-3 MAINT\b.*; lb-2: cp-1 UP, cp-2 UP, cp-3 UP$/);
      expect(byId(result, "haproxy-backends").hosts?.map((h) => [h.id, h.status])).toEqual([
        ["lb-1", "fail"],
        ["lb-2", "pass"],
      ]);
    } finally {
      await exec(lb1, SOCKET, "set server kube-apiservers/cp-3 state ready\n");
    }
    await allPass();
  });

  it("vrrp-auth fails naming VI_1 when lb-2's authentication block is removed (read from the file, no restart)", async () => {
    const lb2 = host(t(), "lb-2");
    const backup = `${KEEPALIVED_CONF}.vipdrill-it`;
    await exec(lb2, ["cp", "-p", KEEPALIVED_CONF, backup]);
    try {
      await exec(lb2, ["sed", "-i", "/authentication {/,/}/d", KEEPALIVED_CONF]);
      expect(await exec(lb2, ["cat", KEEPALIVED_CONF])).not.toContain("auth_type");
      const result = await preflight();
      console.log(renderPreflight(result, { color: false }));
      expect(failedIds(result)).toEqual(["vrrp-auth"]);
      expect(byId(result, "vrrp-auth").seen).toBe("lb-1: VI_1 auth PASS; lb-2: VI_1 has neither authentication nor unicast_peer");
    } finally {
      await exec(lb2, ["mv", backup, KEEPALIVED_CONF]);
    }
    expect(byId(await preflight(), "vrrp-auth").status).toBe("pass");
  });

  it("vrrp-auth follows include globs on the host (relative to /etc/keepalived, odd file names included)", async () => {
    const lb1 = host(t(), "lb-1");
    const backup = `${KEEPALIVED_CONF}.vipdrill-it`;
    await exec(lb1, ["cp", "-p", KEEPALIVED_CONF, backup]);
    try {
      await exec(lb1, ["mkdir", "-p", "/etc/keepalived/vipdrill-it.d"]);
      await exec(lb1, ["sh", "-c", 'cat > "$1"', "sh", "/etc/keepalived/vipdrill-it.d/a b.conf"], "vrrp_instance VI_8 {\n  unicast_peer {\n    10.9.9.9\n  }\n}\n");
      await exec(lb1, ["sh", "-c", 'cat > "$1"', "sh", "/etc/keepalived/vipdrill-it.d/$(touch pwned).conf"], "vrrp_instance VI_9 {\n  state BACKUP\n}\n");
      await exec(lb1, ["sh", "-c", 'cat >> "$1"', "sh", KEEPALIVED_CONF], "include vipdrill-it.d/*.conf\n");
      const result = await preflight();
      expect(byId(result, "vrrp-auth")).toMatchObject({
        status: "fail",
        // glob(3) order: "$(touch pwned).conf" sorts before "a b.conf".
        seen: "lb-1: VI_1 auth PASS, VI_9 has neither authentication nor unicast_peer, VI_8 unicast to 1 peer; lb-2: VI_1 auth PASS",
      });
      // File names are data: nothing in them ran.
      expect((await lb1.transport.exec(["test", "-e", "pwned"])).exitCode).not.toBe(0);
      expect((await lb1.transport.exec(["test", "-e", "/etc/keepalived/pwned"])).exitCode).not.toBe(0);
    } finally {
      await exec(lb1, ["mv", backup, KEEPALIVED_CONF]);
      await exec(lb1, ["rm", "-rf", "/etc/keepalived/vipdrill-it.d"]);
    }
    expect(byId(await preflight(), "vrrp-auth").status).toBe("pass");
  });

  it("vip-single-owner fails naming both balancers when lb-2 also has the VIP", async () => {
    const lb2 = host(t(), "lb-2");
    const prefix = lab.plan.subnet.split("/")[1]!;
    await exec(lb2, ["ip", "addr", "add", `${vip()}/${prefix}`, "dev", lab.plan.interface]);
    try {
      const result = await preflight();
      console.log(renderPreflight(result, { color: false }));
      expect(failedIds(result)).toEqual(["vip-single-owner"]);
      expect(byId(result, "vip-single-owner")).toMatchObject({
        status: "fail",
        seen: `${vip()} held by lb-1 and lb-2 at once (split brain); lb-1 holds ${vip()} (eth0); lb-2 holds ${vip()} (eth0)`,
      });
    } finally {
      await exec(lb2, ["ip", "addr", "del", `${vip()}/${prefix}`, "dev", lab.plan.interface]);
    }
    await allPass();
  });
});
