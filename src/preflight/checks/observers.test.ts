import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Topology } from "../../model/host.js";
import { LocalTransport } from "../../../test/helpers/local-transport.js";
import { testHost } from "../../../test/helpers/test-host.js";
import { runCheck } from "../preflight.js";
import { observersCheck } from "./observers.js";

// The trial script is shell, run here by the real sh with the real iproute2 `ip` (it only listens to
// netlink), and against an `ip` that rejects -ts the way BusyBox's does.
const TOOLS = ["sh", "env", "mktemp", "sleep", "kill", "head", "tr", "rm", "tail", "grep"];

describe("preflight: observers", () => {
  let dir: string;
  const bins: Record<"iproute2" | "busybox", string> = { iproute2: "", busybox: "" };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-observers-"));
    for (const kind of ["iproute2", "busybox"] as const) {
      const bin = join(dir, kind);
      await mkdir(bin);
      for (const tool of TOOLS) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => undefined);
      bins[kind] = bin;
    }
    await symlink("/usr/sbin/ip", join(bins.iproute2, "ip"));
    await writeFile(join(bins.busybox, "ip"), "#!/bin/sh\necho \"ip: invalid option -- 't'\" >&2\necho 'BusyBox v1.36.1 multi-call binary.' >&2\nexit 1\n");
    await chmod(join(bins.busybox, "ip"), 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const topology = (hosts: Topology["hosts"]): Topology => ({
    kind: "inventory",
    name: "t",
    hosts,
    endpoint: { vip: "192.0.2.200", port: 6443, dns: "api" },
    haproxy: { socket: "/s", backend: "b" }, vipManager: "keepalived",
  });

  it("passes where ip monitor keeps running, fails naming the host and what ip said where it ends at once", async () => {
    const good = testHost("lb-1", new LocalTransport({ PATH: bins.iproute2 }));
    const busybox = testHost("lb-2", new LocalTransport({ PATH: bins.busybox }));
    const r = await runCheck(observersCheck, topology([good, busybox]), { timeoutMs: 5_000 });
    expect(r.status).toBe("fail");
    expect(r.hosts?.map((h) => [h.id, h.status])).toEqual([
      ["lb-1", "pass"],
      ["lb-2", "fail"],
    ]);
    expect(r.hosts?.[0]?.seen).toMatch(/^ip monitor runs, (no Keepalived log to follow|Keepalived's log from )/);
    expect(r.hosts?.[1]?.seen).toMatch(/^`env TZ=UTC ip -ts -o monitor address link` ended \(exit 1\): ip: invalid option -- 't' BusyBox .* \(BusyBox's ip has no monitor: install iproute2\), /);
    const alone = await runCheck(observersCheck, topology([good]), { timeoutMs: 5_000 });
    expect(alone.status).toBe("pass");
  });
});
