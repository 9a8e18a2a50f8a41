import { describe, expect, it } from "vitest";
import { parseHaproxyCfg } from "./haproxy-cfg.js";
import { haproxyChecksOf, haproxyTimeMs } from "./haproxy-checks.js";
import { adminSocket, statsSockets } from "./haproxy-stats-socket.js";

const RHEL = `global
    log         127.0.0.1 local2
    chroot      /var/lib/haproxy
    stats socket /var/lib/haproxy/stats
defaults
    mode tcp
    retries 3
    timeout connect 10s
backend kube-apiservers
    server m1 10.0.0.11:6443 check
`;

const KUBEADM = `global
    stats socket ipv4@127.0.0.1:9999 level admin
    stats socket unix@/run/haproxy/admin.sock mode 600 level admin
defaults
    retries 1
    option redispatch
    default-server inter 3s fall 2
backend other
    server x 10.0.0.1:80 check inter 100ms
backend kube-apiservers
    default-server check check-ssl verify none inter 1s fall 3 rise 2
    server m1 10.0.0.11:6443 fastinter 500ms downinter 5s
    server m2 10.0.0.12:6443
`;

describe("HAProxy's runtime sockets, from its stats socket lines", () => {
  it("takes the first Unix socket at admin level, skipping other address families", () => {
    const lines = parseHaproxyCfg(KUBEADM, "/etc/haproxy/haproxy.cfg");
    expect(statsSockets(lines).map((s) => [s.path, s.level, s.line])).toEqual([["/run/haproxy/admin.sock", "admin", 3]]);
    expect(adminSocket(lines, ["/etc/haproxy/haproxy.cfg"])).toMatchObject({ path: "/run/haproxy/admin.sock", file: "/etc/haproxy/haproxy.cfg", line: 3 });
  });

  it("RHEL's default socket is operator level: bad input, saying which line and what to add", () => {
    expect(adminSocket(parseHaproxyCfg(RHEL, "/etc/haproxy/haproxy.cfg"), ["/etc/haproxy/haproxy.cfg"])).toBe(
      "stats socket /var/lib/haproxy/stats (/etc/haproxy/haproxy.cfg:4) is level operator, not admin: add `level admin` to it, or set haproxySocket for this host",
    );
    expect(adminSocket(parseHaproxyCfg("global\n  daemon\n", "/a.cfg"), ["/a.cfg"])).toContain("no `stats socket` on a Unix path in /a.cfg");
  });
});

describe("HAProxy's check timers for the backend", () => {
  it("defaults, then the backend's default-server, then its first server; redispatch needs retries", () => {
    expect(haproxyChecksOf(parseHaproxyCfg(KUBEADM, "h.cfg"), "kube-apiservers")).toEqual({ interMs: 1000, fastInterMs: 500, downInterMs: 5000, fall: 3, rise: 2, redispatch: true });
    expect(haproxyChecksOf(parseHaproxyCfg(KUBEADM.replace("retries 1", "retries 0"), "h.cfg"), "kube-apiservers")).toMatchObject({ redispatch: false });
  });

  it("HAProxy's own defaults where nothing is said (inter 2s fall 3 rise 2), and no such backend", () => {
    expect(haproxyChecksOf(parseHaproxyCfg(RHEL, "h.cfg"), "kube-apiservers")).toEqual({ interMs: 2000, fastInterMs: 2000, downInterMs: 2000, fall: 3, rise: 2, redispatch: false });
    expect(haproxyChecksOf(parseHaproxyCfg(RHEL, "h.cfg"), "apiservers")).toBeUndefined();
  });

  it("reads HAProxy's time format: ms unless a unit is given", () => {
    expect([haproxyTimeMs("1500"), haproxyTimeMs("2s"), haproxyTimeMs("250ms"), haproxyTimeMs("1m"), haproxyTimeMs("2x")]).toEqual([1500, 2000, 250, 60_000, undefined]);
  });
});
