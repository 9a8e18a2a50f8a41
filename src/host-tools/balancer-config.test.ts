import { describe, expect, it } from "vitest";
import { LabError } from "../common/errors.js";
import type { ExecResult, ExecTransport, Topology } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { balancerConfig } from "./balancer-config.js";
import { runtimeCall } from "./haproxy-runtime.js";

interface FakeHost {
  processes: string;
  files: Record<string, string>;
  /** What the runtime socket answers (socat's result). */
  socket?: Partial<ExecResult>;
}

/** A balancer that answers vipdrill's few commands from its files, as a real one would. */
function fakeTransport(host: FakeHost): ExecTransport {
  const result = (argv: readonly string[], r: Partial<ExecResult>): ExecResult => ({ argv, exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: 1, timedOut: false, ...r });
  return {
    kind: "ssh",
    sharesClock: false,
    async exec(argv) {
      const [command, , script, , arg] = argv;
      if (command === "cat") {
        const text = host.files[argv[2]!];
        return text === undefined ? result(argv, { exitCode: 1, stderr: `cat: ${argv[2]}: No such file or directory\n` }) : result(argv, { stdout: text });
      }
      if (command === "socat") return result(argv, host.socket ?? {});
      if (script?.includes("/proc/")) return result(argv, { stdout: host.processes });
      if (script?.includes("*.cfg")) {
        // A path without .cfg is a directory here: its .cfg files, maybe none.
        const listed = arg!.endsWith(".cfg") ? [arg!] : Object.keys(host.files).filter((f) => f.startsWith(`${arg}/`) && f.endsWith(".cfg"));
        return result(argv, { stdout: listed.map((f) => `${f}\n`).join("") });
      }
      if (script?.includes("command -v socat")) return result(argv, { stdout: "socat\n" });
      return result(argv, { exitCode: 127, stderr: `unexpected ${argv.join(" ")}` });
    },
    stream: () => Promise.reject(new Error("no streams here")),
  };
}

const topology = (kind: "inventory" | "lab" = "inventory", socketGiven?: "inventory" | "lab"): Topology => ({
  kind,
  name: "t",
  hosts: [],
  endpoint: { vip: "192.0.2.10", port: 6443, dns: "api" },
  vipManager: "keepalived",
  haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers", ...(socketGiven && { socketGiven }) },
});

const RUNNING = ["700\tkeepalived\t/\t/usr/sbin/keepalived\u0001--dont-fork\u0001-f\u0001/etc/keepalived/vip.conf\u0001", "900\thaproxy\t/\t/usr/sbin/haproxy\u0001-Ws\u0001-f\u0001/etc/haproxy/haproxy.cfg\u0001-f\u0001/etc/haproxy/conf.d\u0001"].join("\n");
const RHEL_GLOBAL = "global\n    chroot /var/lib/haproxy\n    stats socket /var/lib/haproxy/stats\n";

describe("each balancer's configuration, where it really is", () => {
  it("found from the running daemons: keepalived's -f, and the admin socket in the files haproxy reads", async () => {
    const host = testHost("lb-1", fakeTransport({ processes: RUNNING, files: { "/etc/haproxy/haproxy.cfg": "global\n  daemon\n", "/etc/haproxy/conf.d/10-stats.cfg": "global\n  stats socket /var/lib/haproxy/stats level admin\n" } }));
    const config = await balancerConfig(host, topology());
    expect(config.keepalivedConf).toEqual({ path: "/etc/keepalived/vip.conf", how: "from keepalived's -f /etc/keepalived/vip.conf (pid 700)" });
    expect(config.socket).toEqual({ path: "/var/lib/haproxy/stats", how: "from haproxy's -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d, stats socket at /etc/haproxy/conf.d/10-stats.cfg:2" });
  });

  it("the inventory's per-host override first, then its one socket for all; the lab's template in a lab", async () => {
    const files = { "/etc/haproxy/haproxy.cfg": RHEL_GLOBAL };
    const overridden = testHost("lb-1", fakeTransport({ processes: RUNNING, files }), { haproxySocket: "/run/admin.sock", keepalivedConf: "/srv/k.conf" });
    expect(await balancerConfig(overridden, topology())).toMatchObject({
      keepalivedConf: { path: "/srv/k.conf", how: "inventory override (hosts[].keepalivedConf)" },
      socket: { path: "/run/admin.sock", how: "inventory override (hosts[].haproxySocket)" },
    });
    expect((await balancerConfig(testHost("lb-2", fakeTransport({ processes: RUNNING, files })), topology("inventory", "inventory"))).socket).toEqual({ path: "/run/haproxy/admin.sock", how: "the inventory's haproxy.socket" });
    expect((await balancerConfig(testHost("lb-3", fakeTransport({ processes: RUNNING, files })), topology("lab", "lab"))).socket).toEqual({ path: "/run/haproxy/admin.sock", how: "the lab's template" });
  });

  it("bad input, one line: a socket below admin level, an unreadable configuration; nothing running falls back to the defaults", async () => {
    const rhel = await balancerConfig(testHost("lb-1", fakeTransport({ processes: RUNNING, files: { "/etc/haproxy/haproxy.cfg": RHEL_GLOBAL } })), topology());
    expect("error" in rhel.socket && rhel.socket.error).toContain("stats socket /var/lib/haproxy/stats (/etc/haproxy/haproxy.cfg:3) is level operator, not admin");
    const unreadable = await balancerConfig(testHost("lb-2", fakeTransport({ processes: RUNNING, files: {} })), topology());
    expect(unreadable.socket).toEqual({ error: "cannot read haproxy's configuration (-f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d): cat: /etc/haproxy/haproxy.cfg: No such file or directory" });
    const idle = await balancerConfig(testHost("lb-3", fakeTransport({ processes: "", files: {} })), topology());
    expect(idle).toEqual({
      keepalivedConf: { path: "/etc/keepalived/keepalived.conf", how: "default: no keepalived process is running" },
      keepalived: {
        error: "cannot read /etc/keepalived/keepalived.conf (default: no keepalived process is running): cat: /etc/keepalived/keepalived.conf: No such file or directory; expected a keepalived.conf vipdrill can read (set hosts[].keepalivedConf)",
      },
      haproxy: undefined,
      socket: { path: "/run/haproxy/admin.sock", how: "default: no haproxy process is running" },
    });
  });
});

describe("the runtime API fails at once where waiting cannot help", () => {
  const admin = { "/etc/haproxy/haproxy.cfg": "global\n  stats socket /run/haproxy/admin.sock level admin\n" };
  const lasting = async (host: ReturnType<typeof testHost>, t: Topology): Promise<unknown> => runtimeCall(host, t, "show stat", { timeoutMs: 1000 }).catch((e: unknown) => e);

  it("no such socket on a real host, or permission denied: a LabError naming the host, the socket and how it was found", async () => {
    const missing = testHost("lb-1", fakeTransport({ processes: RUNNING, files: admin, socket: { exitCode: 1, stderr: '2026/12/01 socat[81] E connect(5, AF=1 "/run/haproxy/admin.sock", 25): No such file or directory\n' } }));
    const error = await lasting(missing, topology());
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe("VIPDRILL_HAPROXY_SOCKET");
    expect((error as LabError).message).toBe(
      "lb-1: HAProxy's runtime socket /run/haproxy/admin.sock (from haproxy's -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d, stats socket line 2): no such socket, which waiting cannot fix: set hosts[].haproxySocket in the inventory, or fix the stats socket line",
    );
    const denied = testHost("lb-2", fakeTransport({ processes: RUNNING, files: admin, socket: { exitCode: 1, stderr: "socat E connect(5, AF=1 ...): Permission denied\n" } }));
    expect(((await lasting(denied, topology())) as Error).message).toContain(": permission denied, which waiting cannot fix");
  });

  it("a lab still booting may not have made its socket yet: that is a result to wait on, not an error", async () => {
    const booting = testHost("lb-1", fakeTransport({ processes: RUNNING, files: admin, socket: { exitCode: 1, stderr: "No such file or directory\n" } }));
    expect(await lasting(booting, topology("lab", "lab"))).toMatchObject({ exitCode: 1 });
  });
});
