import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRODUCTION_HAPROXY, PRODUCTION_KEEPALIVED } from "../../test/helpers/production-config.js";
import { labSizeFor, loadConfig, redact } from "./config-mapping.js";

async function files(entries: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vipdrill-config-mapping-"));
  for (const [name, text] of Object.entries(entries)) await writeFile(join(dir, name), text);
  return dir;
}

describe("the lab sized from the files", () => {
  it("takes the backend's servers as control planes and unicast peers + 1 as load balancers, saying where it read them", async () => {
    const dir = await files({ "k.conf": PRODUCTION_KEEPALIVED, "h.cfg": PRODUCTION_HAPROXY });
    const config = await loadConfig({ keepalived: [join(dir, "k.conf")], haproxy: join(dir, "h.cfg") });
    expect(labSizeFor(config, { controlPlanes: 3, loadBalancers: 3 }, 6443)).toEqual({
      controlPlanes: 2,
      loadBalancers: 2,
      sizing: [`2 servers in backend k8s-api-servers (${join(dir, "h.cfg")}:21) → 2 control planes`, `1 unicast peer (${join(dir, "k.conf")}:22) → 2 load balancers`],
    });
  });

  it("stays within the lab's limits and says so", async () => {
    const many = PRODUCTION_HAPROXY + ["c", "d", "e", "f"].map((s, i) => `    server master-${s} 10.40.0.${30 + i}:6443\n`).join("");
    const peers = PRODUCTION_KEEPALIVED.replace("        10.40.0.12\n", "        10.40.0.12\n        10.40.0.13\n        10.40.0.14\n");
    const dir = await files({ "k.conf": peers, "h.cfg": many });
    const size = labSizeFor(await loadConfig({ keepalived: [join(dir, "k.conf")], haproxy: join(dir, "h.cfg") }), { controlPlanes: 3, loadBalancers: 2 }, 6443);
    expect([size.controlPlanes, size.loadBalancers]).toEqual([5, 3]);
    expect(size.sizing).toEqual([expect.stringMatching(/^6 servers .* → 5 control planes \(the lab has at most 5\)$/), expect.stringMatching(/^3 unicast peers .* → 3 load balancers \(the lab has at most 3\)$/)]);
  });

  it("follows keepalived's includes on this machine, relative to the including file", async () => {
    const dir = await files({ "main.conf": "include conf.d/*.conf\n" });
    await mkdir(join(dir, "conf.d"));
    await writeFile(join(dir, "conf.d", "api.conf"), PRODUCTION_KEEPALIVED);
    const config = await loadConfig({ keepalived: [join(dir, "main.conf")] });
    expect(config.keepalived[0]!.statements.filter((s) => s.words[0] === "vrrp_instance").map((s) => [s.words[1], s.file, s.line])).toEqual([["VI_API", join(dir, "conf.d", "api.conf"), 15]]);
  });

  it("refuses a file it cannot read, in one line", async () => {
    await expect(loadConfig({ keepalived: ["/nonexistent/keepalived.conf"] })).rejects.toThrow(/^\/nonexistent\/keepalived\.conf: no such file \(expected a keepalived\.conf\)$/);
  });
});

describe("redact", () => {
  it("replaces every secret, a longer one first", () => {
    expect(redact("auth admin:pw123456 and pw123", ["pw123", "pw123456"])).toBe("auth admin:‹redacted› and ‹redacted›");
  });
});
