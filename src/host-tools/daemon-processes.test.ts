import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalTransport } from "../../test/helpers/local-transport.js";
import { testHost } from "../../test/helpers/test-host.js";
import { firstOfEach, haproxyConfigsOf, keepalivedConfOf, listDaemonProcesses, parseDaemonProcesses, type DaemonProcess } from "./daemon-processes.js";

const proc = (argv: string[], cwd = "/"): DaemonProcess => ({ pid: 42, argv, cwd });

describe("where the running daemons read their configuration", () => {
  it("Keepalived: -f, -fFILE, --use-file FILE and --use-file=FILE, relative to its working directory; else its default", () => {
    expect(keepalivedConfOf(proc(["/usr/sbin/keepalived", "--dont-fork", "-f", "/etc/keepalived/vip.conf"]))).toEqual({ path: "/etc/keepalived/vip.conf", how: "from keepalived's -f /etc/keepalived/vip.conf (pid 42)" });
    expect(keepalivedConfOf(proc(["keepalived", "-fvip.conf"], "/srv"))).toMatchObject({ path: "/srv/vip.conf" });
    expect(keepalivedConfOf(proc(["keepalived", "--use-file", "/opt/k.conf"]))).toEqual({ path: "/opt/k.conf", how: "from keepalived's --use-file /opt/k.conf (pid 42)" });
    expect(keepalivedConfOf(proc(["keepalived", "--use-file=/opt/k.conf", "-D"]))).toMatchObject({ path: "/opt/k.conf" });
    expect(keepalivedConfOf(proc(["/usr/sbin/keepalived", "--dont-fork", "-D"]))).toEqual({ path: "/etc/keepalived/keepalived.conf", how: "keepalived's default (pid 42 has no -f)" });
  });

  it("HAProxy: every -f (file or directory) and the files after --", () => {
    expect(haproxyConfigsOf(proc(["/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg", "-p", "/run/haproxy.pid", "-S", "/run/haproxy-master.sock"]))).toEqual(["/etc/haproxy/haproxy.cfg"]);
    expect(haproxyConfigsOf(proc(["haproxy", "-f", "/etc/haproxy/haproxy.cfg", "-f", "conf.d", "--", "extra.cfg"], "/etc/haproxy"))).toEqual(["/etc/haproxy/haproxy.cfg", "/etc/haproxy/conf.d", "/etc/haproxy/extra.cfg"]);
    expect(haproxyConfigsOf(proc(["haproxy", "-Ws"]))).toEqual([]);
  });

  it("keeps each daemon's lowest pid, with its argument boundaries and working directory", () => {
    const out = ["812\tkeepalived\t/\t/usr/sbin/keepalived\u0001--dont-fork\u0001-f\u0001/etc/k a.conf\u0001", "700\tkeepalived\t/\t/usr/sbin/keepalived\u0001--dont-fork\u0001", "901\thaproxy\t\thaproxy\u0001-f\u0001/etc/haproxy/haproxy.cfg\u0001", "903\tsshd\t/\tsshd\u0001"].join("\n");
    expect(firstOfEach(parseDaemonProcesses(out))).toEqual({
      keepalived: { pid: 700, argv: ["/usr/sbin/keepalived", "--dont-fork"], cwd: "/" },
      haproxy: { pid: 901, argv: ["haproxy", "-f", "/etc/haproxy/haproxy.cfg"], cwd: "/" },
    });
  });

  it("reads them from /proc on a real host: a process named haproxy, its -f and its working directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-daemons-"));
    const script = join(dir, "haproxy");
    await writeFile(script, "#!/bin/sh\nsleep 30\n");
    await chmod(script, 0o755);
    const child = spawn(script, ["-Ws", "-f", "with space.cfg"], { cwd: dir, stdio: "ignore" });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const found = await listDaemonProcesses(testHost("lb-1", new LocalTransport()));
      if (typeof found === "string") throw new Error(found);
      // This machine may run other HAProxies (a lab's containers share its kernel): ours by its pid.
      const mine = found.find((p) => p.pid === child.pid)!;
      expect(mine.daemon).toBe("haproxy");
      expect(mine.argv.slice(-3)).toEqual(["-Ws", "-f", "with space.cfg"]);
      expect(haproxyConfigsOf(mine)).toEqual([join(dir, "with space.cfg")]);
    } finally {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
