import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../common/errors.js";
import { AbortedError } from "../common/errors.js";
import { makeLabCertificates, type LabCertificates } from "../targets/docker/lab-certs.js";
import { systemctlService, type ExecResult, type Host, type Role, type Topology } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { canonicalIp } from "./checks/context.js";
import { parseSubjectAltName } from "./checks/certificate-sans.js";
import { preflightFailed, runCheck, runPreflight, PREFLIGHT_CHECKS, type PreflightCheck, type PreflightOptions } from "./preflight.js";

// ---------------------------------------------------------------------------------------------
// A fake Topology: each host's transport answers argv from a handler (canned output).
// ---------------------------------------------------------------------------------------------

type Reply = { stdout?: string; stderr?: string; exitCode?: number } | "hang" | Error;
type Handler = (argv: readonly string[], stdin: string | undefined) => Reply | undefined;

function fakeHost(id: string, roles: Role[], handler: Handler, address = "192.0.2.1"): Host & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id,
    address,
    roles,
    labels: {},
    vipInterface: "eth0",
    service: systemctlService,
    calls,
    transport: {
      kind: "ssh",
      sharesClock: false,
      async exec(argv, options): Promise<ExecResult> {
        calls.push([...argv]);
        // Unless the handler says otherwise, no Keepalived or HAProxy process runs: their default paths.
        const reply = handler(argv, options?.stdin) ?? (argv[2]?.includes("/proc/[0-9]*") ? { stdout: "" } : { stderr: `${argv[0] ?? ""}: not faked`, exitCode: 127 });
        if (reply === "hang") return new Promise<ExecResult>(() => undefined);
        if (reply instanceof Error) throw reply;
        return { argv, exitCode: reply.exitCode ?? 0, signal: null, stdout: reply.stdout ?? "", stderr: reply.stderr ?? "", durationMs: 1, timedOut: false };
      },
      async stream() {
        throw new Error("not faked");
      },
    },
  };
}

function fakeTopology(hosts: Host[], endpoint: Partial<Topology["endpoint"]> = {}): Topology {
  return {
    kind: "inventory",
    name: "fake",
    hosts,
    endpoint: { vip: "192.0.2.200", port: 6443, dns: "api.cluster.local", ...endpoint },
    haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" }, vipManager: "keepalived",
  };
}

const check = (id: string) => PREFLIGHT_CHECKS.find((c) => c.id === id)!;
const run = (id: string, topology: Topology, options: PreflightOptions = {}): Promise<PreflightCheck> =>
  runCheck(check(id), topology, { timeoutMs: 2000, ...options });
const cps = (n = 3): Host[] => Array.from({ length: n }, (_, i) => fakeHost(`cp-${i + 1}`, ["control-plane"], () => undefined));

// show stat: the real column layout up to check_status (36) and a few more.
const STAT_HEADER =
  "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,";
function statRow(backend: string, server: string, status: string, checkStatus = ""): string {
  const cols = Array<string>(40).fill("");
  cols[0] = backend;
  cols[1] = server;
  cols[17] = status;
  cols[36] = checkStatus;
  return cols.join(",");
}
function showStat(servers: Array<[string, string, string?]>): string {
  return [
    STAT_HEADER,
    statRow("apiserver", "FRONTEND", "OPEN"),
    ...servers.map(([s, st, chk]) => statRow("kube-apiservers", s, st, chk)),
    statRow("kube-apiservers", "BACKEND", "UP"),
    "",
  ].join("\n");
}
/** A balancer whose runtime API answers `show stat` with csv, through the client it has (socat unless told). */
const statHandler =
  (csv: string | { stderr: string; exitCode: number }, client: "socat" | "nc" | "python3" | "" = "socat"): Handler =>
  (argv, stdin) => {
    if (argv[0] === "sh" && argv[2]?.includes("command -v socat")) return { stdout: client ? `${client}\n` : "" };
    return argv[0] === client && stdin === "show stat\n" ? (typeof csv === "string" ? { stdout: csv } : csv) : undefined;
  };

// ip -o addr / link, as iproute2 prints them.
const ipAddr = (...extra: string[]) =>
  [
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
    "2: eth0    inet 192.0.2.21/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever",
    ...extra,
  ].join("\n");
const VIP_LINE = "2: eth0    inet 192.0.2.200/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever";
const ipLink = (up: boolean | "no-carrier" = true) =>
  [
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00",
    up === "no-carrier"
      ? "2: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc mq state DOWN mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56"
      : `2: eth0@if42: <BROADCAST,MULTICAST${up ? ",UP,LOWER_UP" : ""}> mtu 1500 qdisc noqueue state ${up ? "UP" : "DOWN"} mode DEFAULT group default \\    link/ether 02:42:ac:1e:63:15`,
  ].join("\n");
const ipHandler =
  (holds: boolean, linkUp: boolean | "no-carrier" = true): Handler =>
  (argv) => {
    if (argv.join(" ") === "ip -o addr show") return { stdout: holds ? ipAddr(VIP_LINE) : ipAddr() };
    if (argv.join(" ") === "ip -o link show") return { stdout: ipLink(linkUp) };
    return undefined;
  };

// keepalived.conf served by `cat -- path`, includes expanded by the fake `sh -c … sh pattern`.
const confHandler =
  (files: Record<string, string>): Handler =>
  (argv) => {
    if (argv[0] === "cat" && argv[1] === "--") {
      const text = files[argv[2]!];
      return text === undefined ? { stderr: `cat: ${argv[2]!}: No such file or directory`, exitCode: 1 } : { stdout: text };
    }
    if (argv[0] === "sh" && argv[1] === "-c" && argv[3] === "sh" && argv.length === 5) {
      const regex = new RegExp(`^${argv[4]!.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
      return { stdout: Object.keys(files).filter((f) => regex.test(f)).sort().map((f) => `${f}\n`).join("") };
    }
    return undefined;
  };
const AUTH_CONF = `vrrp_instance VI_1 {\n  interface eth0\n  authentication {\n    auth_type PASS\n    auth_pass 12345678\n  }\n}\n`;
const NO_AUTH_CONF = `vrrp_instance VI_1 {\n  interface eth0\n}\n`;

const either =
  (...handlers: Handler[]): Handler =>
  (argv, stdin) => {
    for (const h of handlers) {
      const reply = h(argv, stdin);
      if (reply !== undefined) return reply;
    }
    return undefined;
  };

// ---------------------------------------------------------------------------------------------

describe("dns", () => {
  const topology = fakeTopology(cps());
  const resolver = (addresses: string[] | Error) => async () => {
    if (addresses instanceof Error) throw addresses;
    return addresses;
  };
  const notFound = Object.assign(new Error("getaddrinfo ENOTFOUND api.cluster.local"), { code: "ENOTFOUND" });

  it("passes when the name resolves to the VIP only (v4 and v6 spellings of one address count once)", async () => {
    const r = await run("dns", topology, { resolver: resolver(["192.0.2.200", "::ffff:192.0.2.200"]) });
    expect(r).toMatchObject({ status: "pass", seen: "api.cluster.local → 192.0.2.200" });
  });

  it("skips, saying why, when the name does not resolve here", async () => {
    const r = await run("dns", topology, { resolver: resolver(notFound) });
    expect(r.status).toBe("skip");
    expect(r.seen).toBe(
      "api.cluster.local is not resolvable from here (ENOTFOUND); the probes connect to the VIP 192.0.2.200 and send the name as SNI",
    );
  });

  it("skips when the endpoint's name is the VIP itself, without asking the resolver", async () => {
    let asked = false;
    const r = await run("dns", fakeTopology(cps(), { dns: "192.0.2.200" }), {
      resolver: async () => {
        asked = true;
        return [];
      },
    });
    expect(r.status).toBe("skip");
    expect(asked).toBe(false);
  });

  it("fails listing the other addresses", async () => {
    expect((await run("dns", topology, { resolver: resolver(["10.0.0.5"]) })).seen).toBe("api.cluster.local → 10.0.0.5: not the VIP 192.0.2.200");
    const both = await run("dns", topology, { resolver: resolver(["192.0.2.200", "2001:db8::5"]) });
    expect(both).toMatchObject({ status: "fail", seen: "api.cluster.local → 192.0.2.200, 2001:db8::5: besides the VIP, also 2001:db8::5" });
  });

  it("an IPv6 VIP matches however it is spelled", async () => {
    const v6 = fakeTopology(cps(), { vip: "2001:db8::200" });
    expect((await run("dns", v6, { resolver: resolver(["2001:0DB8:0:0::200"]) })).status).toBe("pass");
  });

  it("fails on a resolver error other than not-found", async () => {
    const r = await run("dns", topology, { resolver: resolver(Object.assign(new Error("queryA ETIMEOUT api.cluster.local"), { code: "EAI_AGAIN" })) });
    expect(r).toMatchObject({ status: "fail", seen: "looking up api.cluster.local failed: queryA ETIMEOUT api.cluster.local" });
  });
});

describe("vrrp-auth", () => {
  const conf = "/etc/keepalived/keepalived.conf";

  it("passes when every balancer's instances authenticate; reads argv-only through the transport", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], confHandler({ [conf]: AUTH_CONF }));
    const lb2 = fakeHost("lb-2", ["load-balancer"], confHandler({ [conf]: "include conf.d/*.conf\n", "/etc/keepalived/conf.d/vi.conf": AUTH_CONF }));
    const r = await run("vrrp-auth", fakeTopology([...cps(), lb1, lb2]));
    expect(r).toMatchObject({ status: "pass", seen: "lb-1: VI_1 auth PASS; lb-2: VI_1 auth PASS" });
    expect(lb2.calls.slice(1)).toEqual([
      ["cat", "--", conf],
      ["sh", "-c", expect.stringContaining("for f in $1") as unknown as string, "sh", "/etc/keepalived/conf.d/*.conf"],
      ["cat", "--", "/etc/keepalived/conf.d/vi.conf"],
    ]);
    expect(r.seen).not.toContain("12345678");
  });

  it("fails naming the balancer and the instance without authentication", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], confHandler({ [conf]: AUTH_CONF }));
    const lb2 = fakeHost("lb-2", ["load-balancer"], confHandler({ [conf]: NO_AUTH_CONF }));
    const r = await run("vrrp-auth", fakeTopology([lb1, lb2]));
    expect(r.status).toBe("fail");
    expect(r.seen).toBe("lb-1: VI_1 auth PASS; lb-2: VI_1 has neither authentication nor unicast_peer");
    expect(r.hosts?.map((h) => [h.id, h.status])).toEqual([
      ["lb-1", "pass"],
      ["lb-2", "fail"],
    ]);
  });

  it("a missing file, no instance at all, or an unreachable balancer fail that balancer only", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], confHandler({}));
    const lb2 = fakeHost("lb-2", ["load-balancer"], confHandler({ [conf]: "global_defs {\n}\n" }));
    const lb3 = fakeHost("lb-3", ["load-balancer"], () => new TransportError("VIPDRILL_SSH_UNREACHABLE", "lb-3", "lb-3 (192.0.2.23:22): connect ECONNREFUSED"));
    const r = await run("vrrp-auth", fakeTopology([lb1, lb2, lb3]));
    expect(r.status).toBe("fail");
    expect(r.hosts?.map((h) => h.seen)).toEqual([
      "cannot read /etc/keepalived/keepalived.conf (default: no keepalived process is running): cat: /etc/keepalived/keepalived.conf: No such file or directory; expected a keepalived.conf vipdrill can read (set hosts[].keepalivedConf)",
      "no vrrp_instance in /etc/keepalived/keepalived.conf",
      "unreachable: lb-3 (192.0.2.23:22): connect ECONNREFUSED",
    ]);
  });

  it("skips without load balancers (kube-vip)", async () => {
    expect((await run("vrrp-auth", fakeTopology(cps()))).status).toBe("skip");
  });
});

describe("haproxy-backends", () => {
  it("passes when every server is UP on every balancer", async () => {
    const csv = showStat([["cp-1", "UP"], ["cp-2", "UP"], ["cp-3", "UP"]]);
    const lbs = ["lb-1", "lb-2"].map((id) => fakeHost(id, ["load-balancer"], statHandler(csv)));
    const r = await run("haproxy-backends", fakeTopology([...cps(), ...lbs]));
    expect(r).toMatchObject({ status: "pass", seen: "lb-1: cp-1 UP, cp-2 UP, cp-3 UP; lb-2: cp-1 UP, cp-2 UP, cp-3 UP" });
    expect(lbs[0]!.calls.at(-1)).toEqual(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"]);
  });

  it("on a balancer without socat, asks through nc -U or python3; with none of them, fails saying what to install", async () => {
    const csv = showStat([["cp-1", "UP"], ["cp-2", "UP"], ["cp-3", "UP"]]);
    const nc = fakeHost("lb-1", ["load-balancer"], statHandler(csv, "nc"));
    const python = fakeHost("lb-2", ["load-balancer"], statHandler(csv, "python3"));
    expect(await run("haproxy-backends", fakeTopology([...cps(), nc, python]))).toMatchObject({ status: "pass" });
    expect(nc.calls.at(-1)).toEqual(["nc", "-U", "/run/haproxy/admin.sock"]);
    expect(python.calls.at(-1)).toEqual(["python3", "-c", expect.stringContaining("socket.AF_UNIX"), "/run/haproxy/admin.sock"]);

    const bare = fakeHost("lb-3", ["load-balancer"], statHandler(csv, ""));
    const r = await run("haproxy-backends", fakeTopology([...cps(), bare]));
    expect(r.status).toBe("fail");
    expect(r.seen).toBe("lb-3: no socat, nc -U (OpenBSD netcat or ncat) or python3 to reach HAProxy's runtime API at /run/haproxy/admin.sock; install socat");
  });

  it("fails naming the balancer, the server, its state and its last check", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], statHandler(showStat([["cp-1", "UP", "L7OK"], ["cp-2", "MAINT"], ["cp-3", "DOWN", "* L7STS"]])));
    const lb2 = fakeHost("lb-2", ["load-balancer"], statHandler(showStat([["cp-1", "UP"], ["cp-2", "UP"], ["cp-3", "UP"]])));
    const r = await run("haproxy-backends", fakeTopology([...cps(), lb1, lb2]));
    expect(r.status).toBe("fail");
    expect(r.seen).toBe("lb-1: cp-1 UP, cp-2 MAINT, cp-3 DOWN (L7STS); lb-2: cp-1 UP, cp-2 UP, cp-3 UP");
  });

  it("fails when a control plane is not in the backend (by its haproxyServer name) or the backend is missing", async () => {
    const hosts = [...cps(2), { ...fakeHost("cp-3", ["control-plane"], () => undefined), haproxyServer: "apiserver-3" }];
    const lb1 = fakeHost("lb-1", ["load-balancer"], statHandler(showStat([["cp-1", "UP"], ["cp-2", "UP"]])));
    const lb2 = fakeHost("lb-2", ["load-balancer"], statHandler(`${STAT_HEADER}\n${statRow("other", "x", "UP")}\n`));
    const r = await run("haproxy-backends", fakeTopology([...hosts, lb1, lb2]));
    expect(r.seen).toBe("lb-1: cp-1 UP, cp-2 UP, apiserver-3 not in kube-apiservers; lb-2: backend kube-apiservers not found or without servers");
  });

  it("a runtime API that does not answer fails with its error; skips without balancers", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], statHandler({ stderr: "2024/01/01 socat[1] E connect(5, AF=1 \"/run/haproxy/admin.sock\", 25): No such file or directory", exitCode: 1 }));
    const r = await run("haproxy-backends", fakeTopology([...cps(), lb1]));
    // On real hosts no such socket is for good: said at once, with where the path came from.
    expect(r.seen).toBe("lb-1: HAProxy's runtime socket /run/haproxy/admin.sock (default: no haproxy process is running): no such socket, which waiting cannot fix: set hosts[].haproxySocket in the inventory, or fix the stats socket line");
    const restarting = fakeHost("lb-2", ["load-balancer"], statHandler({ stderr: "2024/01/01 socat[1] E connect(5, AF=1 \"/run/haproxy/admin.sock\", 25): Connection refused", exitCode: 1 }));
    expect((await run("haproxy-backends", fakeTopology([...cps(), restarting]))).seen).toMatch(/^lb-2: runtime API \/run\/haproxy\/admin\.sock unavailable: .*Connection refused$/);
    expect((await run("haproxy-backends", fakeTopology(cps()))).status).toBe("skip");
  });
});

describe("daemon-config: where each balancer's daemons read their configuration", () => {
  const RUNNING = "700\tkeepalived\t/\tkeepalived\u0001-f\u0001/etc/keepalived/vip.conf\u0001\n900\thaproxy\t/\thaproxy\u0001-f\u0001/etc/haproxy/haproxy.cfg\u0001\n";
  /** A balancer running both daemons from these files, its runtime socket answering `show cli level` with level. */
  const balancer = (id: string, files: Record<string, string>, level = "admin\n") =>
    fakeHost(id, ["load-balancer"], (argv, stdin) => {
      if (argv[2]?.includes("/proc/[0-9]*")) return { stdout: RUNNING };
      if (argv[0] === "socat") return stdin === "show cli level\n" ? { stdout: level } : undefined;
      return either(confHandler(files), statHandler(""))(argv, stdin);
    });
  const ADMIN = { "/etc/keepalived/vip.conf": AUTH_CONF, "/etc/haproxy/haproxy.cfg": "global\n  stats socket /var/lib/haproxy/stats mode 600 level admin\n" };

  it("passes, saying each path and how it was found: the running keepalived's -f, the admin socket line of haproxy's -f", async () => {
    const r = await run("daemon-config", fakeTopology([...cps(), balancer("lb-1", ADMIN)]));
    expect(r).toMatchObject({
      status: "pass",
      seen: "lb-1: keepalived.conf /etc/keepalived/vip.conf (from keepalived's -f /etc/keepalived/vip.conf (pid 700)); HAProxy socket /var/lib/haproxy/stats (from haproxy's -f /etc/haproxy/haproxy.cfg, stats socket line 2)",
    });
  });

  it("bad input, one line per balancer: a socket below admin level, a keepalived.conf it cannot read", async () => {
    const rhel = balancer("lb-1", { ...ADMIN, "/etc/haproxy/haproxy.cfg": "global\n  stats socket /var/lib/haproxy/stats\n" });
    const unreadable = balancer("lb-2", { "/etc/haproxy/haproxy.cfg": ADMIN["/etc/haproxy/haproxy.cfg"] });
    const r = await run("daemon-config", fakeTopology([rhel, unreadable]));
    expect(r.status).toBe("fail");
    expect(r.hosts?.map((h) => h.seen)).toEqual([
      "stats socket /var/lib/haproxy/stats (/etc/haproxy/haproxy.cfg:2) is level operator, not admin: add `level admin` to it, or set haproxySocket for this host",
      "cannot read /etc/keepalived/vip.conf (from keepalived's -f /etc/keepalived/vip.conf (pid 700)): cat: /etc/keepalived/vip.conf: No such file or directory; expected a keepalived.conf vipdrill can read (set hosts[].keepalivedConf)",
    ]);
    // A socket the inventory names answers at operator level: HAProxy's own word for it.
    const given: Topology = { ...fakeTopology([balancer("lb-3", ADMIN, "operator\n")]), haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers", socketGiven: "inventory" } };
    expect((await run("daemon-config", given)).seen).toBe("lb-3: the socket is level operator, not admin: add `level admin` to its stats socket line");
  });
});

describe("predicted-failover", () => {
  const KEEPALIVED = (priority: number, advertInt: number) =>
    `vrrp_script chk {\n script "/bin/true"\n interval 1\n fall 2\n rise 2\n}\nvrrp_instance VI_1 {\n priority ${priority}\n advert_int ${advertInt}\n virtual_ipaddress {\n  192.0.2.200/24\n }\n track_script {\n  chk\n }\n}\n`;
  const balancers = (advertInt: number) => [fakeHost("lb-1", ["load-balancer"], confHandler({ "/etc/keepalived/keepalived.conf": KEEPALIVED(101, advertInt) })), fakeHost("lb-2", ["load-balancer"], confHandler({ "/etc/keepalived/keepalived.conf": KEEPALIVED(100, advertInt) }))];
  const drill = (fault: Record<string, unknown>, failoverMs: number) => ({ fault: { pick: "first", selector: { kind: fault.target }, ...fault }, budgets: { failoverMs } }) as unknown as Scenario;

  it("reads each balancer's keepalived.conf and sets a link pull against the runbook's 5 s when no drill is given", async () => {
    const r = await run("predicted-failover", fakeTopology([...cps(), ...balancers(1)]));
    expect(r).toMatchObject({ status: "pass", seen: "no single VIP owner, lb-1 taken as the master; link-down on vip-owner fails over in 2.61–3.61 s by keepalived.conf on lb-1, lb-2, within the budget 5 s" });
  });

  it("fails only when even the best case misses a drill's budget, or nothing would fail over", async () => {
    const slow = await run("predicted-failover", fakeTopology([...cps(), ...balancers(2)]), { scenarios: [drill({ type: "link-down", target: "vip-owner" }, 5000)] });
    expect(slow.status).toBe("pass");
    expect(slow.seen).toContain("fails over in 4.61–6.61 s by keepalived.conf on lb-1, lb-2; budget 5 s: within it only at best");
    const tight = await run("predicted-failover", fakeTopology([...cps(), ...balancers(2)]), { scenarios: [drill({ type: "link-down", target: "vip-owner" }, 4000)] });
    expect(tight.status).toBe("fail");
    expect(tight.seen).toContain("budget 4 s: never within it");
    const unchecked = [0, 1].map((i) => fakeHost(`lb-${i + 1}`, ["load-balancer"], confHandler({ "/etc/keepalived/keepalived.conf": KEEPALIVED(101 - i, 1).replace(/ track_script \{\n {2}chk\n \}\n/, "") })));
    const haproxyStop = await run("predicted-failover", fakeTopology([...cps(), ...unchecked]), { scenarios: [drill({ type: "service-stop", service: "haproxy", target: "vip-owner" }, 5000)] });
    expect(haproxyStop.status).toBe("fail");
    expect(haproxyStop.seen).toContain("service-stop haproxy on vip-owner: no vrrp_script is tracked");
  });

  it("a configuration it cannot read fails, naming the balancer; kube-vip is checked elsewhere", async () => {
    const r = await run("predicted-failover", fakeTopology([...cps(), fakeHost("lb-1", ["load-balancer"], confHandler({}))]));
    expect(r.status).toBe("fail");
    expect(r.seen).toMatch(/^cannot predict: lb-1: cannot read \/etc\/keepalived\/keepalived\.conf \(default: no keepalived process is running\)/);
    expect((await run("predicted-failover", { ...fakeTopology(cps()), vipManager: "kube-vip" })).status).toBe("skip");
  });
});

describe("vip-single-owner", () => {
  it("passes with exactly one holder", async () => {
    const r = await run("vip-single-owner", fakeTopology([...cps(), fakeHost("lb-1", ["load-balancer"], ipHandler(true)), fakeHost("lb-2", ["load-balancer"], ipHandler(false))]));
    expect(r).toMatchObject({ status: "pass", seen: "lb-1 holds 192.0.2.200; lb-2 does not hold it" });
  });

  it("fails naming both holders on a split brain", async () => {
    const r = await run("vip-single-owner", fakeTopology([fakeHost("lb-1", ["load-balancer"], ipHandler(true)), fakeHost("lb-2", ["load-balancer"], ipHandler(true))]));
    expect(r.status).toBe("fail");
    expect(r.seen).toBe("192.0.2.200 held by lb-1 and lb-2 at once (split brain); lb-1 holds 192.0.2.200 (eth0); lb-2 holds 192.0.2.200 (eth0)");
  });

  it("a VIP on a downed link, or on one without a carrier, is not held; no holder fails", async () => {
    for (const link of [false, "no-carrier"] as const) {
      const r = await run("vip-single-owner", fakeTopology([fakeHost("lb-1", ["load-balancer"], ipHandler(true, link)), fakeHost("lb-2", ["load-balancer"], ipHandler(false))]));
      expect(r.status).toBe("fail");
      expect(r.seen).toBe("no host holds 192.0.2.200 (looked on lb-1 and lb-2); lb-1 has 192.0.2.200 on eth0, but the link is down or has no carrier (not held); lb-2 does not hold it");
    }
  });

  it("without load balancers the control planes are the candidates (kube-vip)", async () => {
    const hosts = [fakeHost("cp-1", ["control-plane"], ipHandler(false)), fakeHost("cp-2", ["control-plane"], ipHandler(true))];
    expect(await run("vip-single-owner", fakeTopology(hosts))).toMatchObject({ status: "pass", seen: "cp-2 holds 192.0.2.200; cp-1 does not hold it" });
  });

  it("an unreachable candidate fails the check even when another holds the VIP", async () => {
    const lb2 = fakeHost("lb-2", ["load-balancer"], () => new TransportError("VIPDRILL_SSH_LOST", "lb-2", "lb-2: connection lost"));
    const r = await run("vip-single-owner", fakeTopology([fakeHost("lb-1", ["load-balancer"], ipHandler(true)), lb2]));
    expect(r).toMatchObject({ status: "fail", seen: "lb-1 holds 192.0.2.200; lb-2 unreachable: lb-2: connection lost" });
  });
});

describe("runPreflight: order, isolation, deadlines", () => {
  it("a host that never answers fails the checks that ask it, naming it, within the deadline; other checks are unaffected", async () => {
    const lb1 = fakeHost("lb-1", ["load-balancer"], either(confHandler({ "/etc/keepalived/keepalived.conf": AUTH_CONF }), statHandler(showStat([["cp-1", "UP"]])), ipHandler(true)));
    const lb2 = fakeHost("lb-2", ["load-balancer"], () => "hang");
    const topology = fakeTopology([{ ...fakeHost("cp-1", ["control-plane"], () => undefined, "127.0.0.1"), haproxyServer: "cp-1" }, lb1, lb2], {
      // Nothing listens on 127.0.0.1:1: certificate and version checks fail fast with connect-refused.
      vip: "127.0.0.1",
      port: 1,
    });
    const started = Date.now();
    const result = await runPreflight(topology, { timeoutMs: 400, resolver: async () => ["127.0.0.1"] });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.checks.map((c) => c.id)).toEqual(["dns", "certificate-sans", "version", "vrrp-auth", "haproxy-backends", "kube-vip-manifest", "kube-vip-lease", "daemon-config", "predicted-failover", "vip-single-owner", "observers"]);
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
    expect(byId["dns"]!.status).toBe("pass");
    for (const id of ["vrrp-auth", "haproxy-backends", "daemon-config", "vip-single-owner", "observers"]) {
      expect(byId[id]!.status).toBe("fail");
      expect(byId[id]!.seen).toMatch(/^timed out after 0\.4 s, no answer from lb-2$/);
    }
    expect(byId["version"]!.seen).toMatch(/^cp-1 connect-refused .*; through the VIP connect-refused/);
    expect(byId["certificate-sans"]!.seen).toMatch(/^cp-1: no certificate: connect ECONNREFUSED 127\.0\.0\.1:1; through the VIP: no certificate/);
    expect(preflightFailed(result)).toBe(true);
    expect(result.target).toBe('inventory "fake"');
  });

  it("a check that throws fails with the message", async () => {
    const boom = { id: "dns", title: "t", run: async () => Promise.reject(new Error("boom")) };
    expect(await runCheck(boom, fakeTopology([]))).toMatchObject({ status: "fail", seen: "check failed: boom" });
  });

  it("an aborted run ends promptly with AbortedError", async () => {
    const controller = new AbortController();
    const lb = fakeHost("lb-1", ["load-balancer"], () => "hang");
    const pending = runPreflight(fakeTopology([lb], { vip: "127.0.0.1", port: 1 }), { signal: controller.signal, timeoutMs: 10_000, resolver: async () => ["127.0.0.1"] });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });
});

// ---------------------------------------------------------------------------------------------
// certificate-sans and version against real TLS servers on loopback addresses
// ---------------------------------------------------------------------------------------------

describe("certificate-sans and version (real TLS on 127.0.0.x)", () => {
  const VIP = "127.0.0.10";
  const nodes = [
    { id: "cp-1", address: "127.0.0.11" },
    { id: "cp-2", address: "127.0.0.12" },
    { id: "cp-3", address: "127.0.0.13" },
  ];
  let certs: LabCertificates;
  let otherCa: LabCertificates;
  let servers: Server[] = [];
  let port = 0;
  /** Per address: which node's certificate it serves and how /version answers. */
  let serving: Record<string, { cert: string; version: string | 500 }> = {};

  const listen = async (address: string): Promise<void> => {
    const server = createServer(
      {
        SNICallback: (_name, cb) => cb(null, undefined),
        key: certs.nodes.get(serving[address]!.cert)?.keyPem ?? otherCa.nodes.get("cp-1")!.keyPem,
        cert: certs.nodes.get(serving[address]!.cert)?.certPem ?? otherCa.nodes.get("cp-1")!.certPem,
      },
      (req, res) => {
        const v = serving[address]!.version;
        if (v === 500) return void res.writeHead(500).end("[-]etcd failed");
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ major: "1", gitVersion: v, requested: req.headers.host }));
      },
    );
    await new Promise<void>((resolve) => server.listen(port, address, resolve));
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  };
  const restart = async (spec: typeof serving): Promise<void> => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    servers = [];
    serving = spec;
    for (const address of Object.keys(spec)) await listen(address);
  };
  const topology = (caPem?: string) =>
    fakeTopology(
      nodes.map((n) => fakeHost(n.id, ["control-plane"], () => undefined, n.address)),
      { vip: VIP, port, dns: "api.cluster.local", ...(caPem === undefined ? {} : { caPem }) },
    );
  const healthy = () => ({
    "127.0.0.11": { cert: "cp-1", version: "v1.34.0" },
    "127.0.0.12": { cert: "cp-2", version: "v1.34.0" },
    "127.0.0.13": { cert: "cp-3", version: "v1.34.0" },
    // HAProxy passes TLS through: the VIP shows one backend's certificate.
    [VIP]: { cert: "cp-2", version: "v1.34.0" },
  });

  beforeAll(async () => {
    certs = await makeLabCertificates({ dns: "api.cluster.local", vip: VIP, nodes });
    otherCa = await makeLabCertificates({ dns: "api.cluster.local", vip: VIP, nodes: nodes.slice(0, 1) });
    await restart(healthy());
  });
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  it("pass: every node's certificate holds the VIP, the name and its own name; the VIP's is identified by fingerprint", async () => {
    await restart(healthy());
    const r = await run("certificate-sans", topology(certs.caPem));
    expect(r.status).toBe("pass");
    expect(r.seen).toBe(
      "cp-1: ✓ VIP ✓ api.cluster.local ✓ cp-1; cp-2: ✓ VIP ✓ api.cluster.local ✓ cp-2; cp-3: ✓ VIP ✓ api.cluster.local ✓ cp-3; " +
        "through the VIP (served by cp-2): ✓ VIP ✓ api.cluster.local ✓ cp-2; verifies against the endpoint CA",
    );
  });

  it("fail: a node whose certificate lacks its own name is named, with what is missing", async () => {
    await restart({ ...healthy(), "127.0.0.13": { cert: "cp-1", version: "v1.34.0" } });
    const r = await run("certificate-sans", topology(certs.caPem));
    expect(r.status).toBe("fail");
    expect(r.hosts?.find((h) => h.id === "cp-3")).toEqual({ id: "cp-3", status: "fail", seen: "✓ VIP ✓ api.cluster.local ✗ cp-3" });
  });

  it("fail: certificates that do not verify against the endpoint CA are reported separately", async () => {
    await restart({ ...healthy(), [VIP]: { cert: "foreign", version: "v1.34.0" } });
    const r = await run("certificate-sans", topology(certs.caPem));
    expect(r.status).toBe("fail");
    expect(r.seen).toContain("through the VIP (served by a backend not asked directly (CN=cp-1)): ✓ VIP ✓ api.cluster.local");
    expect(r.seen).toMatch(/does NOT verify against the endpoint CA \(through the VIP: [A-Z_]+\)$/);
    // Without a CA nothing is said about trust.
    expect((await run("certificate-sans", topology())).seen).not.toContain("verif");
  });

  it("version: gitVersion per node and through the VIP; a 500 fails naming the node", async () => {
    await restart(healthy());
    const ok = await run("version", topology(certs.caPem));
    expect(ok).toMatchObject({ status: "pass", seen: "cp-1 v1.34.0, cp-2 v1.34.0, cp-3 v1.34.0; through the VIP v1.34.0" });
    await restart({ ...healthy(), "127.0.0.12": { cert: "cp-2", version: 500 }, "127.0.0.13": { cert: "cp-3", version: "v1.35.0" } });
    const bad = await run("version", topology(certs.caPem));
    expect(bad).toMatchObject({
      status: "fail",
      seen: "cp-1 v1.34.0, cp-2 http-status (HTTP 500), cp-3 v1.35.0; through the VIP v1.34.0 (versions differ)",
    });
  });

  it("version verifies TLS like the probes do: a foreign certificate is a tls failure", async () => {
    await restart({ ...healthy(), [VIP]: { cert: "foreign", version: "v1.34.0" } });
    const r = await run("version", topology(certs.caPem));
    expect(r.hosts?.find((h) => h.id === "VIP")?.seen).toMatch(/^tls/);
  });
});

describe("helpers", () => {
  it("canonicalIp: IPv6 spellings, IPv4-mapped, IPv4", () => {
    expect(canonicalIp("2001:DB8::1")).toBe(canonicalIp("2001:db8:0:0:0:0:0:1"));
    expect(canonicalIp("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(canonicalIp("[fe80::1%eth0]")).toBe("fe80:0:0:0:0:0:0:1");
    expect(canonicalIp("10.0.0.1")).toBe("10.0.0.1");
  });

  it("parseSubjectAltName: Node's format, including escaped values", () => {
    expect(parseSubjectAltName('DNS:a.example, IP Address:10.0.0.1, DNS:"b,c", IP Address:FD00:0:0:0:0:0:0:1')).toEqual([
      { type: "DNS", value: "a.example" },
      { type: "IP", value: "10.0.0.1" },
      { type: "DNS", value: "b,c" },
      { type: "IP", value: "FD00:0:0:0:0:0:0:1" },
    ]);
    expect(parseSubjectAltName(undefined)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// kube-vip (Option A): the manifest on every control plane, and the Lease.
// ---------------------------------------------------------------------------------------------

describe("preflight for kube-vip (Option A)", () => {
  const manifest = (over: { image?: string; address?: string; lease?: string; arp?: string } = {}): string => `apiVersion: v1
kind: Pod
metadata: { name: kube-vip, namespace: kube-system }
spec:
  containers:
  - name: kube-vip
    image: ${over.image ?? "ghcr.io/kube-vip/kube-vip:v1.1.0"}
    env:
    - { name: vip_arp, value: "${over.arp ?? "true"}" }
    - { name: vip_interface, value: eth0 }
    - { name: cp_enable, value: "true" }
    - { name: vip_leaderelection, value: "true" }
    - { name: vip_leaseduration, value: "${over.lease?.split("/")[0] ?? "5"}" }
    - { name: vip_renewdeadline, value: "${over.lease?.split("/")[1] ?? "3"}" }
    - { name: vip_retryperiod, value: "${over.lease?.split("/")[2] ?? "1"}" }
    - { name: address, value: ${over.address ?? "192.0.2.200"} }
`;
  const kubeVipTopology = (manifests: string[]): Topology => ({
    ...fakeTopology(
      manifests.map((text, i) =>
        fakeHost(`cp-${i + 1}`, ["control-plane"], (argv) => {
          if (argv[0] === "cat") return { stdout: text };
          if (argv.join(" ") === "ip -o link show dev eth0") return { stdout: "2: eth0: <BROADCAST,UP,LOWER_UP> mtu 1500\n" };
          return undefined;
        }),
      ),
    ),
    vipManager: "kube-vip",
    kubeVip: {
      lease: { namespace: "kube-system", name: "plndr-cp-lock" },
      manifestPath: "/etc/kubernetes/manifests/kube-vip.yaml",
      container: "kube-vip",
      leaseAccess: { kind: "kubectl", kubeconfig: "/etc/kubernetes/admin.conf" },
      source: "test",
    },
  });

  it("passes the runbook's manifest and says what a link pull on the leader costs with its timings", async () => {
    const result = await run("kube-vip-manifest", kubeVipTopology([manifest(), manifest(), manifest()]));
    expect(result.status).toBe("pass");
    expect(result.seen).toMatch(/^a link pull on the leader fails over in 4\.000 s–12\.400 s \(the runbook's 5\.000 s only at best\); cp-1: ghcr\.io\/kube-vip\/kube-vip:v1\.1\.0, lease 5\/3\/1 s, ARP every 3\.000 s;/);
  });

  it("fails timings that can never meet 5 s, a VIP that is not the endpoint's, BGP mode and mixed images — each named", async () => {
    const slow = await run("kube-vip-manifest", kubeVipTopology([manifest({ lease: "15/10/2" }), manifest({ lease: "15/10/2" })]));
    expect(slow.status).toBe("fail");
    expect(slow.seen).toContain("a link pull on the leader fails over in 13.000 s–26.800 s with these timings: never within the runbook's 5.000 s");
    const wrong = await run("kube-vip-manifest", kubeVipTopology([manifest({ address: "192.0.2.99", arp: "false" }), manifest({ image: "ghcr.io/kube-vip/kube-vip:v0.8.9" })]));
    expect(wrong.status).toBe("fail");
    expect(wrong.seen).toContain("different kube-vip images on the control planes: ghcr.io/kube-vip/kube-vip:v1.1.0 and ghcr.io/kube-vip/kube-vip:v0.8.9");
    expect(wrong.hosts?.find((h) => h.id === "cp-1")?.seen).toContain("vip_arp is not true; address 192.0.2.99 is not the VIP 192.0.2.200");
  });

  it("names a manifest that is not where the inventory says, and says how to fix it", async () => {
    const topology = kubeVipTopology([manifest()]);
    const host = fakeHost("cp-1", ["control-plane"], (argv) => (argv[0] === "cat" ? { stderr: "cat: /etc/kubernetes/manifests/kube-vip.yaml: No such file or directory", exitCode: 1 } : undefined));
    const result = await run("kube-vip-manifest", { ...topology, hosts: [host] });
    expect(result.hosts?.[0]?.seen).toBe(
      "cannot read /etc/kubernetes/manifests/kube-vip.yaml: cat: /etc/kubernetes/manifests/kube-vip.yaml: No such file or directory (set kubeVip.manifest in the inventory)",
    );
  });

  it("a forbidden Lease names kubeadm's super-admin.conf pitfall", async () => {
    const forbidden = 'Error from server (Forbidden): leases.coordination.k8s.io "plndr-cp-lock" is forbidden: User "kubernetes-admin" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"';
    const topology = kubeVipTopology([manifest()]);
    const host = fakeHost("cp-1", ["control-plane"], (argv) => (argv[0] === "kubectl" ? { stderr: forbidden, exitCode: 1 } : undefined));
    const result = await run("kube-vip-lease", { ...topology, hosts: [host] });
    expect(result.status).toBe("fail");
    expect(result.seen).toContain("super-admin.conf");
  });

  it("is skipped where Keepalived holds the VIP", async () => {
    expect((await run("kube-vip-manifest", fakeTopology(cps()))).status).toBe("skip");
    expect((await run("kube-vip-lease", fakeTopology(cps()))).status).toBe("skip");
  });
});
