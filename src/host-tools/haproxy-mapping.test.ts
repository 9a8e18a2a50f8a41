import { describe, expect, it } from "vitest";
import { parseHaproxyCfg } from "./haproxy-cfg.js";
import { apiBackendOf, mapHaproxy } from "./haproxy-mapping.js";
import { PRODUCTION_HAPROXY as PROPOSED, STATS_PASSWORD, USERLIST_PASSWORD } from "../../test/helpers/production-config.js";


const LAB = {
  controlPlanes: [
    { id: "cp-1", address: "172.30.224.11" },
    { id: "cp-2", address: "172.30.224.12" },
  ],
  port: 6443,
  socket: "/run/haproxy/admin.sock",
};

const source = (text: string) => ({ path: "prod/haproxy.cfg", lines: parseHaproxyCfg(text, "prod/haproxy.cfg") });
const line = (text: string, n: number): string => text.split("\n")[n - 1]!.trim();

describe("a production haproxy.cfg on the lab's balancers", () => {
  const mapped = mapHaproxy(source(PROPOSED), LAB);
  const text = mapped.rendered.text;

  it("points the apiservers' backend at the lab's control planes, on the lines they were written on", () => {
    expect(line(text, 27)).toBe("server cp-1 172.30.224.11:6443");
    expect(line(text, 28)).toBe("server cp-2 172.30.224.12:6443 addr 172.30.224.12 port 6443");
    expect(mapped.backend).toBe("k8s-api-servers");
    expect(mapped.rows.filter((r) => r.item.startsWith("server")).map((r) => [r.line, r.production, r.lab])).toEqual([
      [27, "master-a 10.40.0.21:6443", "cp-1 172.30.224.11:6443"],
      [28, "master-b 10.40.0.22:6443", "cp-2 172.30.224.12:6443"],
    ]);
  });

  it("keeps the checks' timings and every other line as written", () => {
    expect(line(text, 26)).toBe("default-server check check-ssl verify none inter 1s fall 3 rise 2");
    expect(line(text, 24)).toBe("http-check send meth GET uri /healthz");
    expect(mapped.rendered.origins[25]).toEqual({ file: "prod/haproxy.cfg", line: 26 });
  });

  it("moves the runtime API to the lab's socket at admin level, and says why", () => {
    expect(line(text, 2)).toBe("stats socket /run/haproxy/admin.sock mode 660 level admin");
    expect(mapped.rows.find((r) => r.item === "stats socket")?.lab).toMatch(/level operator → admin: vipdrill drains servers through it/);
  });

  it("listens where the lab probes the VIP", () => {
    expect(line(text, 13)).toBe("bind *:6443");
  });

  it("collects the stats and userlist passwords as secrets", () => {
    expect(mapped.secrets.sort()).toEqual([USERLIST_PASSWORD, STATS_PASSWORD].sort());
  });

  it("adds a runtime socket where the file has none", () => {
    const m = mapHaproxy(source(PROPOSED.replace("    stats socket /var/lib/haproxy/stats mode 660 level operator\n", "")), LAB);
    expect(m.rendered.text).toMatch(/\nglobal\n {4}stats socket \/run\/haproxy\/admin\.sock mode 600 level admin\n$/);
    expect(m.rendered.origins.at(-1)).toBeNull();
  });

  it("leaves out servers beyond the lab's control planes, naming them", () => {
    const m = mapHaproxy(source(`${PROPOSED}    server master-c 10.40.0.23:6443\n`), LAB);
    expect(line(m.rendered.text, 29)).toBe("");
    expect(m.unmapped).toEqual([expect.stringMatching(/^prod\/haproxy\.cfg:29: server master-c 10\.40\.0\.23:6443: the lab has 2 control planes/)]);
  });
});

describe("which backend is the apiservers'", () => {
  it("refuses a default_backend that names no backend, with its line", () => {
    expect(() => apiBackendOf(source(PROPOSED.replace("default_backend k8s-api-servers", "default_backend k8s-apix")), 6443)).toThrow(
      /^prod\/haproxy\.cfg:14: default_backend k8s-apix: no backend k8s-apix in prod\/haproxy\.cfg \(expected one of: stats, k8s-api-servers\)/,
    );
  });

  it("takes the one a frontend on the API port routes to when several have servers", () => {
    const ingress = `${PROPOSED}\nfrontend web\n    bind *:443\n    default_backend ingress\n\nbackend ingress\n    server web-1 10.40.0.31:443\n`;
    expect(apiBackendOf(source(ingress), 6443).name).toBe("k8s-api-servers");
  });

  it("refuses to guess between backends nothing tells apart", () => {
    const two = "backend a\n    server x 10.0.0.1:8080\nbackend b\n    server y 10.0.0.2:8080\n";
    expect(() => apiBackendOf(source(two), 6443)).toThrow(/expected one backend of apiservers .* got a \(line 1\), b \(line 3\)/);
  });
});
