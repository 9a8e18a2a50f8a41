import { connect, type PeerCertificate } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonotonicClock } from "../../src/common/clock.js";
import { Timeline } from "../../src/model/timeline.js";
import { prepareFault } from "../../src/faults/fault-controller.js";
import { armDeadMan, healScript, parseStamp } from "../../src/faults/dead-man.js";
import { planLab, type StartedLab, type DockerLabProvider } from "../../src/targets/docker/docker-lab.js";
import { readinessGaps, vipHolders } from "../../src/engine/readiness.js";
import { parseServersState, parseShowStat, runtimeClient, runtimeCommand } from "../../src/host-tools/haproxy-runtime.js";
import type { Host } from "../../src/model/host.js";
import type { FaultSpec } from "../../src/model/scenario.js";
import type Docker from "dockerode";
import { eventually, host, labSpec, startLab } from "../helpers/lab.js";

const LAB = "vipdrill-it";

describe.sequential("docker lab (real engine)", () => {
  let lab: StartedLab;
  let provider: DockerLabProvider;
  let docker: Docker;
  const started = Date.now();

  beforeAll(async () => {
    ({ lab, provider, docker } = await startLab(LAB, 214));
  });
  afterAll(async () => {
    await provider?.down(LAB);
  });

  const t = () => lab.topology;
  const healthy = () => eventually(async () => ((await readinessGaps(t())).length === 0 ? true : undefined), 30_000, "a healthy lab");
  const fault = async (spec: Partial<FaultSpec> & { type: FaultSpec["type"] }, targetIds: string[]) => {
    const full = { target: targetIds.join(","), selector: { kind: "host", id: targetIds[0]! }, pick: "first", ...spec } as FaultSpec;
    return prepareFault("t", full, targetIds.map((id) => host(t(), id)), t(), new Timeline(), new MonotonicClock());
  };

  it("comes up healthy: every backend UP, the VIP on exactly the priority-101 balancer", async () => {
    console.log(`lab up (incl. image build if needed): ${Date.now() - started} ms`);
    expect(await readinessGaps(t())).toEqual([]);
    expect(await vipHolders(t())).toEqual(["lb-1"]);
    const stat = await host(t(), "lb-2").transport.exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], { stdin: "show stat\n" });
    const servers = parseShowStat(stat.stdout).filter((r) => r.backend === "kube-apiservers" && r.server !== "BACKEND");
    expect(servers.map((s) => `${s.server}:${s.status}`)).toEqual(["cp-1:UP", "cp-2:UP", "cp-3:UP"]);
  });

  it("runs commands through each node's command shells: the exact argv, its status and output, many at once, a dead shell replaced", async () => {
    const cp = host(t(), "cp-2");
    const args = ["it's", "a\nb", "$HOME", "`id`", "", "ünï"];
    expect((await cp.transport.exec(["printf", "%s\\0", ...args])).stdout.split("\0").slice(0, -1)).toEqual(args);
    expect(await cp.transport.exec(["sh", "-c", "echo out; echo oops >&2; exit 4"])).toMatchObject({ exitCode: 4, stdout: "out\n", stderr: "oops\n", timedOut: false });
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => cp.transport.exec(["echo", String(i)])));
    expect(many.map((r) => r.stdout)).toEqual(Array.from({ length: 8 }, (_, i) => `${i}\n`));
    const slow = await cp.transport.exec(["sleep", "2"], { timeoutMs: 200 });
    expect(slow).toMatchObject({ exitCode: null, timedOut: true });
    // Every shell in the container killed, the one running this among them: once their ends are seen, the next command still runs.
    const killed = await cp.transport.exec(["pkill", "-f", "vipdrill-shell"]);
    expect(killed.exitCode).not.toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await cp.transport.exec(["echo", "back"])).stdout).toBe("back\n");
    const warm: string[] = [];
    for (let i = 0; i < 10; i++) warm.push((await cp.transport.exec(["true"])).durationMs.toFixed(0));
    console.log(`command round trips through a shell: ${warm.join(" ")} ms`);
  });

  it("a second lab on the running lab's subnet is refused, naming the lab that holds it and how to remove it", async () => {
    const other = "vipdrill-it-clash";
    const clash = provider.up(planLab(labSpec(214), "api.cluster.local", other), { owner: "test", reuse: false, progress: () => undefined });
    await expect(clash).rejects.toThrow(`lab subnet 172.30.214.0/24 overlaps lab "${LAB}"'s network (vipdrill lab down --lab-name ${LAB})`);
    expect(await provider.status(other)).toMatchObject({ network: false, nodes: [] });
  });

  it("serves a certificate through the VIP whose SANs hold the VIP, the DNS name and the node name", async () => {
    const cert = await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = connect({ host: t().endpoint.vip, port: 6443, servername: "api.cluster.local", ca: t().endpoint.caPem }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on("error", reject);
    });
    expect(cert.subjectaltname).toContain("DNS:api.cluster.local");
    expect(cert.subjectaltname).toContain(`IP Address:${t().endpoint.vip}`);
    expect(cert.subjectaltname).toMatch(/DNS:cp-[123]/);
  });

  it("rendered configs are accepted by the real haproxy and keepalived", async () => {
    const lb = host(t(), "lb-1");
    const haproxy = await lb.transport.exec(["haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"]);
    expect(haproxy.exitCode, haproxy.stderr + haproxy.stdout).toBe(0);
    const keepalived = await lb.transport.exec(["keepalived", "--config-test", "-f", "/etc/keepalived/keepalived.conf"]);
    expect(keepalived.exitCode, keepalived.stderr + keepalived.stdout).toBe(0);
  });

  it("link-down takes the link down, the VIP moves; restore brings the link and its routes back", async () => {
    const lb1 = host(t(), "lb-1");
    const routesBefore = (await lb1.transport.exec(["ip", "route", "show", "default"])).stdout.trim();
    expect(routesBefore).toMatch(/^default via/);
    const f = await fault({ type: "link-down" }, ["lb-1"]);
    await f.inject(45_000, 15_000);
    expect((await lb1.transport.exec(["ip", "-o", "link", "show", "dev", "eth0"])).stdout).not.toMatch(/[<,]UP[,>]/);
    await eventually(async () => ((await vipHolders(t())).join() === "lb-2" ? true : undefined), 10_000, "VIP on lb-2");
    await f.restore();
    expect((await lb1.transport.exec(["ip", "route", "show", "default"])).stdout.trim()).toBe(routesBefore);
    await eventually(async () => ((await vipHolders(t())).join() === "lb-1" ? true : undefined), 15_000, "VIP back on lb-1");
    await healthy();
  });

  it("service-stop stops exactly the unit: kubelet stops, the apiserver keeps serving", async () => {
    const cp = host(t(), "cp-2");
    const f = await fault({ type: "service-stop", service: "kubelet" }, ["cp-2"]);
    await f.inject(45_000, 15_000);
    expect((await cp.transport.exec(["systemctl", "is-active", "kubelet"])).stdout.trim()).not.toBe("active");
    expect((await cp.transport.exec(["systemctl", "is-active", "kube-apiserver"])).stdout.trim()).toBe("active");
    await f.restore();
    expect((await cp.transport.exec(["systemctl", "is-active", "kubelet"])).stdout.trim()).toBe("active");
  });

  it("a missing unit is refused before anything is done", async () => {
    await expect(fault({ type: "service-stop", service: "no-such-unit" }, ["cp-1"])).rejects.toThrow(/no-such-unit is not running on cp-1/);
  });

  it("a wrong interface is refused before anything is done, naming the interfaces there are", async () => {
    await expect(fault({ type: "link-down", interface: "eth9" }, ["lb-2"])).rejects.toThrow(/no interface eth9 on lb-2 \(it has: .*eth0/);
  });

  it("backend-drain drains the server on every load balancer; restore makes it ready", async () => {
    const f = await fault({ type: "backend-drain", state: "drain" }, ["cp-1"]);
    await f.inject(45_000, 15_000);
    for (const id of ["lb-1", "lb-2"]) {
      const out = await host(t(), id).transport.exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], {
        stdin: "show servers state kube-apiservers\n",
      });
      expect(parseServersState(out.stdout).find((s) => s.server === "cp-1")?.adminState).toBe(8);
    }
    await f.restore();
    const out = await host(t(), "lb-2").transport.exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], {
      stdin: "show servers state kube-apiservers\n",
    });
    expect(parseServersState(out.stdout).find((s) => s.server === "cp-1")?.adminState).toBe(0);
  });

  it("a balancer without socat: the runtime API is reached through nc -U, else python3, also from a dead-man heal script", async () => {
    const lb = host(t(), "lb-2");
    // The same balancer seen through a PATH without socat (and then without nc either).
    await lb.transport.exec(["sh", "-c", 'for d in no-socat no-nc; do mkdir -p /tmp/$d; for t in sh grep python3 cat date; do ln -sf "$(command -v $t)" /tmp/$d/$t; done; done; ln -sf "$(command -v nc)" /tmp/no-socat/nc']);
    const without = (dir: string): Host => ({
      ...lb,
      transport: { ...lb.transport, kind: lb.transport.kind, sharesClock: true, exec: (argv, options) => lb.transport.exec(["env", `PATH=/tmp/${dir}`, ...argv], options), stream: lb.transport.stream.bind(lb.transport) },
    });
    const state = async (): Promise<number | undefined> => {
      const out = await lb.transport.exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], { stdin: "show servers state kube-apiservers\n" });
      return parseServersState(out.stdout).find((s) => s.server === "cp-2")?.adminState;
    };
    for (const [dir, client] of [["no-socat", "nc"], ["no-nc", "python3"]] as const) {
      const bare = without(dir);
      expect(await runtimeClient(bare)).toBe(client);
      const drain = await runtimeCommand(bare, t(), "set server kube-apiservers/cp-2 state drain");
      if (typeof drain === "string") throw new Error(drain);
      expect(drain.argv[0]).toBe(client);
      expect(await bare.transport.exec(drain.argv, { stdin: drain.stdin ?? "" })).toMatchObject({ exitCode: 0 });
      expect(await state()).toBe(8);
      // The restore as a dead-man timer runs it: rendered into a shell script.
      const ready = await runtimeCommand(bare, t(), "set server kube-apiservers/cp-2 state ready");
      if (typeof ready === "string") throw new Error(ready);
      const heal = await bare.transport.exec(["sh", "-c", healScript([ready], `/tmp/${dir}/heal.done`)]);
      expect(heal.exitCode).toBe(0);
      expect(await state()).toBe(0);
      expect(parseStamp((await lb.transport.exec(["cat", `/tmp/${dir}/heal.done`])).stdout)?.status).toBe(0);
      const stats = await runtimeCommand(bare, t(), "show stat");
      if (typeof stats === "string") throw new Error(stats);
      const rows = parseShowStat((await bare.transport.exec(stats.argv, { stdin: stats.stdin ?? "" })).stdout);
      expect(rows.filter((r) => r.backend === "kube-apiservers" && r.server !== "BACKEND").map((r) => r.server)).toEqual(["cp-1", "cp-2", "cp-3"]);
    }
  });

  it("apiserver-unhealthy makes HAProxy mark that backend DOWN; restore brings it UP", async () => {
    const f = await fault({ type: "apiserver-unhealthy" }, ["cp-3"]);
    await f.inject(45_000, 15_000);
    const statusOf = async () => {
      const out = await host(t(), "lb-1").transport.exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], { stdin: "show stat\n" });
      return parseShowStat(out.stdout).find((r) => r.server === "cp-3")?.status;
    };
    await eventually(async () => ((await statusOf()) === "DOWN" ? true : undefined), 10_000, "cp-3 DOWN");
    await f.restore();
    await eventually(async () => ((await statusOf()) === "UP" ? true : undefined), 10_000, "cp-3 UP");
  });

  it("node-pause freezes the container and node-kill kills it; both restore to running; a command for a frozen or dead node fails at once", async () => {
    const cp2 = host(t(), "cp-2");
    const lb2 = host(t(), "lb-2");
    // Both have command shells open before the faults.
    await Promise.all([cp2.transport.exec(["true"]), lb2.transport.exec(["true"])]);
    const failsAtOnce = async (node: Host, engineSays: RegExp) => {
      const started = performance.now();
      const outcome = await node.transport.exec(["true"], { timeoutMs: 10_000 }).then(
        (result) => `exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`,
        (error: unknown) => String(error),
      );
      expect(outcome).toMatch(engineSays);
      expect(performance.now() - started).toBeLessThan(2_000);
    };
    const pause = await fault({ type: "node-pause" }, ["cp-2"]);
    await pause.inject(45_000, 15_000);
    expect((await docker.getContainer(`vipdrill-${LAB}-cp-2`).inspect()).State.Paused).toBe(true);
    await failsAtOnce(cp2, /paused/i);
    await pause.restore();
    expect((await docker.getContainer(`vipdrill-${LAB}-cp-2`).inspect()).State.Paused).toBe(false);
    expect((await cp2.transport.exec(["echo", "thawed"])).stdout).toBe("thawed\n");
    const kill = await fault({ type: "node-kill" }, ["lb-2"]);
    await kill.inject(45_000, 15_000);
    expect((await docker.getContainer(`vipdrill-${LAB}-lb-2`).inspect()).State.Running).toBe(false);
    await failsAtOnce(lb2, /not running/i);
    await kill.restore();
    expect((await docker.getContainer(`vipdrill-${LAB}-lb-2`).inspect()).State.Running).toBe(true);
    await healthy();
  });

  it("a dead-man timer heals a link pull on its own when nobody restores it", async () => {
    const lb2 = host(t(), "lb-2");
    const f = await fault({ type: "link-down" }, ["lb-2"]);
    const restoreCommands = f.actions[0]!.restore;
    await armDeadMan(lb2, "it-test", restoreCommands, 2_000);
    await lb2.transport.exec(["ip", "link", "set", "dev", "eth0", "down"]);
    expect((await lb2.transport.exec(["ip", "-o", "link", "show", "dev", "eth0"])).stdout).not.toMatch(/[<,]UP[,>]/);
    await eventually(
      async () => ((await lb2.transport.exec(["ip", "route", "show", "default"])).stdout.includes("default via") ? true : undefined),
      8_000,
      "lb-2 healed by its dead-man timer",
    );
    await healthy();
  });

  it("lab down removes every container and the network; the lab is no longer among the host's labs", async () => {
    expect(await provider.labs()).toContain(LAB);
    await provider.down(LAB);
    expect(await provider.labs()).not.toContain(LAB);
    const status = await provider.status(LAB);
    expect(status.nodes).toEqual([]);
    expect(status.network).toBe(false);
  });
});
