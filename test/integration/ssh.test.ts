import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MonotonicClock, processMonotonicMs, sleep } from "../../src/common/clock.js";
import { HostClocks } from "../../src/host-tools/host-clocks.js";
import { TransportError } from "../../src/common/errors.js";
import { exec } from "../../src/model/command.js";
import { deadManCommands, deadManNames, parseStamp } from "../../src/faults/dead-man.js";
import type { Inventory, SshSettings } from "../../src/inventory/types.js";
import type { DockerLabProvider, StartedLab } from "../../src/targets/docker/docker-lab.js";
import { enableLabSsh, type LabSshAccess } from "../../src/targets/docker/lab-ssh-access.js";
import { SshExecTransport, type SshTransportOptions } from "../../src/targets/ssh/ssh-exec-transport.js";
import { SshPool } from "../../src/targets/ssh/ssh-pool.js";
import { eventually, host, startLab } from "../helpers/lab.js";

const LAB = "vipdrill-it-ssh";
const NET = "172.30.216";

/** Real sshd in the lab's containers, reached over the lab bridge with ssh2. */
describe.sequential("SSH exec transport (real sshd in the lab)", () => {
  let lab: StartedLab;
  let provider: DockerLabProvider;
  let access: LabSshAccess;
  let dir: string;
  const open: SshExecTransport[] = [];

  beforeAll(async () => {
    ({ lab, provider } = await startLab(LAB, 216));
    dir = await mkdtemp(join(tmpdir(), "vipdrill-ssh-it-"));
    access = await enableLabSsh(lab, join(dir, "lab"));
  });
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close().catch(() => undefined)));
    await provider?.down(LAB);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const node = (id: string) => host(lab.topology, id);
  const settings = (overrides: Partial<SshSettings> = {}): SshSettings => ({
    user: "root",
    port: 22,
    identityFile: access.identityFile,
    knownHostsFile: access.knownHostsFile,
    agent: false,
    sudo: false,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 10_000,
    ...overrides,
  });
  const transport = (id: string, overrides: Partial<SshSettings> = {}, options: SshTransportOptions = {}): SshExecTransport => {
    const t = new SshExecTransport({ id, address: node(id).address, ssh: settings(overrides) }, options);
    open.push(t);
    return t;
  };
  /** The connect error, or a failed assertion when it connects. */
  const connectError = async (t: SshExecTransport): Promise<TransportError> => {
    const error = await t.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    const te = error as TransportError;
    expect(te.message).not.toContain("\n");
    expect(te.hostId).toBe(t.hostId);
    return te;
  };
  /** Whether a process whose command line contains marker runs on the node (seen through docker exec, not SSH). */
  const running = async (id: string, marker: string) => (await node(id).transport.exec(["pgrep", "-f", marker])).exitCode === 0;
  // A timed-out command is killed in the background (the timeout returns on time even where the kill cannot get through).
  const goneSoon = (id: string, marker: string) => eventually(async () => ((await running(id, marker)) ? undefined : true), 3_000, `${marker} on ${id} to be killed`);

  it("lab SSH access: keys installed with the right owners and modes, known_hosts and an inventory written", async () => {
    const check = await node("cp-1").transport.exec([
      "stat",
      "-c",
      "%U %a %n",
      "/root/.ssh",
      "/root/.ssh/authorized_keys",
      "/home/drill/.ssh",
      "/home/drill/.ssh/authorized_keys",
      "/home/drill-pw/.ssh/authorized_keys",
    ]);
    expect(check.stdout.trim().split("\n")).toEqual([
      "root 700 /root/.ssh",
      "root 600 /root/.ssh/authorized_keys",
      "drill 700 /home/drill/.ssh",
      "drill 600 /home/drill/.ssh/authorized_keys",
      "drill-pw 600 /home/drill-pw/.ssh/authorized_keys",
    ]);
    expect((await stat(access.identityFile)).mode & 0o777).toBe(0o600);
    const knownHosts = (await readFile(access.knownHostsFile, "utf8")).trim().split("\n");
    expect(knownHosts.map((l) => l.split(" ")[0])).toEqual(lab.topology.hosts.map((h) => h.address));
    const inventory = parse(await readFile(access.inventoryFile, "utf8")) as {
      endpoint: Record<string, unknown>;
      ssh: Record<string, unknown>;
      hosts: unknown[];
    };
    expect(inventory.endpoint).toMatchObject({ vip: `${NET}.200`, port: 6443, dns: "api.cluster.local", caFile: access.caFile });
    expect(inventory.ssh).toMatchObject({ user: "root", identityFile: access.identityFile, knownHostsFile: access.knownHostsFile });
    expect(inventory.hosts).toContainEqual({ id: "lb-1", address: `${NET}.21`, roles: ["load-balancer"], vipInterface: "eth0" });
    expect(await readFile(access.caFile, "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("exec as root: exit codes, stdout and stderr untouched, stdin", async () => {
    const t = transport("cp-1");
    const failed = await t.exec(["sh", "-c", "printf '  out \\n\\n'; printf ' err' >&2; exit 3"]);
    expect(failed).toMatchObject({ exitCode: 3, signal: null, stdout: "  out \n\n", stderr: " err", timedOut: false });
    const words = await t.exec(["printf", "%s|", "a b", "it's", "$HOME", "*", ""]);
    expect(words.stdout).toBe("a b|it's|$HOME|*||");
    const echoed = await t.exec(["cat"], { stdin: "line 1\nline 2 no newline" });
    expect(echoed).toMatchObject({ exitCode: 0, stdout: "line 1\nline 2 no newline" });
    // No stdin: the command sees EOF at once, it does not hang.
    expect((await t.exec(["cat"], { timeoutMs: 5_000 })).timedOut).toBe(false);
  });

  it("a timeout is a result (timedOut), and the remote process is gone", async () => {
    const t = transport("cp-1");
    const started = performance.now();
    const result = await t.exec(["sleep", "31.25"], { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(performance.now() - started).toBeLessThan(3_000);
    await goneSoon("cp-1", "sleep 31.25");
    // The connection is still good.
    expect((await t.exec(["true"])).exitCode).toBe(0);
  });

  it("50 sequential round trips on one connection", async () => {
    const t = transport("cp-1");
    await t.connect();
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      const result = await t.exec(["true"]);
      times.push(performance.now() - started);
      expect(result.exitCode).toBe(0);
    }
    times.sort((a, b) => a - b);
    const median = times[25]!;
    const p90 = times[45]!;
    console.log(`ssh exec round trip (true): median ${median.toFixed(2)} ms, p90 ${p90.toFixed(2)} ms, max ${times[49]!.toFixed(2)} ms`);
    expect(median).toBeLessThanOrEqual(100);
  });

  it("more commands at once than channels: queued, all complete", async () => {
    const t = transport("cp-2");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.exec(["sh", "-c", `sleep 0.2; echo ${i}`])));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it("stream: lines arrive as they are printed; stop() ends the remote process", async () => {
    const t = transport("cp-1");
    const lines: string[] = [];
    const marker = "vipdrill-stream-it";
    const s = await t.stream(["sh", "-c", 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.05; done', marker], (l) => lines.push(l));
    await eventually(async () => (lines.length >= 3 ? true : undefined), 5_000, "three lines");
    expect(lines.slice(0, 3)).toEqual(["tick 0", "tick 1", "tick 2"]);
    expect(await running("cp-1", marker)).toBe(true);
    await s.stop();
    await s.done;
    expect(await running("cp-1", marker)).toBe(false);
    // A command that ends by itself resolves done.
    const short = await t.stream(["echo", "only"], (l) => lines.push(l));
    await short.done;
    expect(lines.at(-1)).toBe("only");
  });

  it("clock pairing and peer address: the containers share our clock; we come from the lab bridge", async () => {
    const t = transport("cp-1");
    await t.connect();
    const pairing = t.connectPairing!;
    // The host read its clock at pairing.runMs on the process's monotonic scale; it shares our wall
    // clock, so that read is our wall clock then, to within the pairing's ±.
    const ourWallThenMs = Date.now() - (processMonotonicMs() - pairing.runMs);
    const offsetMs = pairing.hostEpochMs - ourWallThenMs;
    console.log(`clock pairing: offset ${offsetMs.toFixed(3)} ms ± ${pairing.uncertaintyMs.toFixed(3)} ms (round trip ${pairing.roundTripMs.toFixed(3)} ms)`);
    expect(Math.abs(offsetMs)).toBeLessThanOrEqual(pairing.uncertaintyMs + 5);
    expect(t.peerAddress).toBe(lab.plan.gateway);
    expect(t.kind).toBe("ssh");
    expect(t.sharesClock).toBe(false);
  });

  it("HostClocks pairs a real host through exec (sudo and all) and places its stamps on the run's clock", async () => {
    const clock = new MonotonicClock();
    const drill = transport("cp-2", { user: "drill", sudo: true });
    const cp2 = { ...node("cp-2"), transport: drill };
    const clocks = new HostClocks(clock);
    await clocks.remeasure([cp2]);
    await clocks.remeasure([cp2]);
    const uncertaintyMs = clocks.uncertaintyMs([cp2])!;
    expect(uncertaintyMs).toBeGreaterThan(0);
    expect(uncertaintyMs).toBeLessThan(50);
    // A stamp the host takes now lands now on our clock, within the ±.
    const stamp = await drill.exec(["date", "+%s%N"]);
    const arrivedMs = clock.nowMs();
    const atMs = clocks.toRunMs(cp2, Number(BigInt(stamp.stdout.trim()) / 1000n) / 1000, arrivedMs);
    expect(atMs).toBeLessThanOrEqual(arrivedMs);
    expect(arrivedMs - atMs).toBeLessThan(stamp.durationMs + uncertaintyMs);
  });

  it("user drill with sudo runs as root; drill-pw, whose sudo wants a password, is refused", async () => {
    const drill = transport("cp-2", { user: "drill", sudo: true });
    expect(await drill.exec(["id", "-u"])).toMatchObject({ exitCode: 0, stdout: "0\n" });
    const viaSudo = await drill.exec(["sh", "-c", "cat; echo err >&2; exit 5"], { stdin: "in\n" });
    expect(viaSudo).toMatchObject({ exitCode: 5, stdout: "in\n", stderr: "err\n" });
    const timedOut = await drill.exec(["sleep", "32.5"], { timeoutMs: 500 });
    expect(timedOut.timedOut).toBe(true);
    await goneSoon("cp-2", "sleep 32.5");
    const error = await connectError(transport("cp-2", { user: "drill-pw", sudo: true }));
    expect(error.code).toBe("VIPDRILL_SSH_SUDO");
    expect(error.message).toMatch(/drill-pw@172\.30\.216\.12:22.*password/);
  });

  it("a sudo that wants a terminal (Defaults requiretty, old RHEL) is refused saying so and how to lift it", async () => {
    await node("cp-3").transport.exec(["sh", "-c", "echo 'Defaults:drill requiretty' > /etc/sudoers.d/zz-tty && chmod 0440 /etc/sudoers.d/zz-tty"]);
    try {
      const error = await connectError(transport("cp-3", { user: "drill", sudo: true }));
      expect(error.code).toBe("VIPDRILL_SSH_SUDO");
      expect(error.message).toMatch(/tty.*Defaults:drill !requiretty/);
    } finally {
      await node("cp-3").transport.exec(["rm", "-f", "/etc/sudoers.d/zz-tty"]);
    }
  });

  it("a dead-man timer the way a host without systemd gets it, over SSH with sudo: armed at once, disarmed without a trace, heals when due", async () => {
    const drill = transport("lb-2", { user: "drill", sudo: true });
    const trace = "/tmp/vipdrill-it-nosystemd.healed";
    const timer = (name: string, afterMs: number) => deadManCommands(name, [exec(["touch", trace])], afterMs, false);
    // Disarmed: nothing runs when it would have been due, and its sleep is gone too.
    const first = timer("it-nosd-1", 2_345);
    const armed = await drill.exec(first.arm, { timeoutMs: 10_000 });
    expect(armed).toMatchObject({ exitCode: 0, timedOut: false });
    // An SSH channel lasts as long as anything holds its stdout: a timer that kept it would make this take 2.3 s.
    expect(armed.durationMs).toBeLessThan(1_500);
    expect(await running("lb-2", "sleep 2.345")).toBe(true);
    expect((await drill.exec((first.disarm as { argv: string[] }).argv)).exitCode).toBe(0);
    expect(await running("lb-2", "sleep 2.345")).toBe(false);
    await sleep(2_800);
    expect((await node("lb-2").transport.exec(["test", "-e", trace])).exitCode).toBe(1);
    // Left alone: it runs when due, as root, and stamps its run.
    const second = timer("it-nosd-2", 1_000);
    expect((await drill.exec(second.arm)).exitCode).toBe(0);
    await eventually(async () => ((await node("lb-2").transport.exec(["test", "-e", trace])).exitCode === 0 ? true : undefined), 5_000, "the heal");
    expect((await node("lb-2").transport.exec(["stat", "-c", "%U", trace])).stdout.trim()).toBe("root");
    const stamp = parseStamp((await node("lb-2").transport.exec(["cat", deadManNames("it-nosd-2").stampFile])).stdout);
    expect(stamp?.status).toBe(0);
    await node("lb-2").transport.exec(["rm", "-f", trace, deadManNames("it-nosd-2").stampFile]);
  });

  it("an unknown host key is refused; with acceptNewHostKeys it is trusted and recorded", async () => {
    const file = join(dir, "empty_known_hosts");
    await writeFile(file, "");
    const error = await connectError(transport("lb-1", { knownHostsFile: file }));
    expect(error.code).toBe("VIPDRILL_SSH_HOST_KEY_UNKNOWN");
    expect(error.message).toMatch(/ssh-ed25519 SHA256:\S+ is not in/);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/ssh-keyscan -p 22 .*--accept-new-host-keys/);

    const fresh = join(dir, "new", "known_hosts");
    const tofu = transport("lb-1", { knownHostsFile: fresh }, { acceptNewHostKeys: true });
    expect((await tofu.exec(["true"])).exitCode).toBe(0);
    const recorded = await readFile(fresh, "utf8");
    const lb1Key = (await node("lb-1").transport.exec(["cat", "/etc/ssh/ssh_host_ed25519_key.pub"])).stdout.split(" ").slice(0, 2).join(" ");
    expect(recorded).toBe(`${NET}.21 ${lb1Key}\n`);
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    // Now it is known: a strict transport accepts it.
    expect((await transport("lb-1", { knownHostsFile: fresh }).exec(["true"])).exitCode).toBe(0);
  });

  it("a changed host key is refused, loudly, even with acceptNewHostKeys", async () => {
    const cp2Key = (await node("cp-2").transport.exec(["cat", "/etc/ssh/ssh_host_ed25519_key.pub"])).stdout.split(" ").slice(0, 2).join(" ");
    const file = join(dir, "changed_known_hosts");
    await writeFile(file, `# someone else's key for cp-1\n${NET}.11 ${cp2Key}\n`);
    for (const acceptNewHostKeys of [false, true]) {
      const error = await connectError(transport("cp-1", { knownHostsFile: file }, { acceptNewHostKeys }));
      expect(error.code).toBe("VIPDRILL_SSH_HOST_KEY_CHANGED");
      expect(error.message).toMatch(/man-in-the-middle/);
      expect(error.message).toContain(`${file} holds another key for it at line 2`);
    }
    expect(await readFile(file, "utf8")).toBe(`# someone else's key for cp-1\n${NET}.11 ${cp2Key}\n`);
  });

  it("a key the host does not know is refused with VIPDRILL_SSH_AUTH, naming the key tried", async () => {
    const other = join(dir, "other_key");
    execFileSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    const error = await connectError(transport("cp-1", { identityFile: other }));
    expect(error.code).toBe("VIPDRILL_SSH_AUTH");
    expect(error.message).toContain(other);
    expect(error.message).toContain("authorized_keys");
  });

  it("an encrypted identity file without a passphrase is a clear VIPDRILL_SSH_KEY_FILE", async () => {
    const locked = join(dir, "locked_key");
    execFileSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret-passphrase", "-f", locked]);
    const error = await connectError(transport("cp-1", { identityFile: locked }, { env: {} }));
    expect(error.code).toBe("VIPDRILL_SSH_KEY_FILE");
    expect(error.message).toMatch(/encrypted.*VIPDRILL_SSH_PASSPHRASE/);
    // With the passphrase the key is usable (and, not being installed, refused by the host).
    const unlocked = await connectError(transport("cp-1", { identityFile: locked }, { env: { VIPDRILL_SSH_PASSPHRASE: "secret-passphrase" } }));
    expect(unlocked.code).toBe("VIPDRILL_SSH_AUTH");
    const wrong = await connectError(transport("cp-1", { identityFile: locked }, { env: { VIPDRILL_SSH_PASSPHRASE: "nope" } }));
    expect(wrong.code).toBe("VIPDRILL_SSH_KEY_FILE");
    const missing = await connectError(transport("cp-1", { identityFile: join(dir, "no-such-key") }));
    expect(missing.code).toBe("VIPDRILL_SSH_KEY_FILE");
  });

  it("the SSH agent: a key loaded into a real ssh-agent logs in with no identity file; an empty agent is refused naming it", async () => {
    const socket = join(dir, "agent.sock");
    // ssh-agent -D stays in the foreground (so the test owns it); -a puts its socket where we say.
    const agent = spawn("/usr/bin/ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      await eventually(async () => (await stat(socket).then(() => true, () => undefined)), 5_000, "the agent's socket");
      // No default keys either (sshDir): the agent is the only way in.
      const options = { env: { SSH_AUTH_SOCK: socket }, sshDir: join(dir, "no-ssh-dir") };
      const empty = await connectError(transport("cp-1", { identityFile: undefined, agent: true }, options));
      expect(empty.code).toBe("VIPDRILL_SSH_AUTH");
      expect(empty.message).toContain(`the agent at ${socket}`);
      execFileSync("/usr/bin/ssh-add", ["-q", access.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const viaAgent = transport("cp-1", { identityFile: undefined, agent: true }, options);
      expect(await viaAgent.exec(["hostname"])).toMatchObject({ exitCode: 0, stdout: "cp-1\n" });
    } finally {
      agent.kill();
    }
  });

  it("unreachable: an unused address (timeout) and a closed port (refused)", async () => {
    const nobody = new SshExecTransport({ id: "ghost", address: `${NET}.99`, ssh: settings({ connectTimeoutMs: 2_000 }) });
    open.push(nobody);
    const started = performance.now();
    const silent = await connectError(nobody);
    expect(silent.code).toBe("VIPDRILL_SSH_UNREACHABLE");
    expect(performance.now() - started).toBeLessThan(3_500);
    expect(silent.message).toContain(`root@${NET}.99:22`);
    const closed = await connectError(transport("cp-1", { port: 2299 }));
    expect(closed.code).toBe("VIPDRILL_SSH_UNREACHABLE");
    expect(closed.message).toMatch(/refused/);
  });

  it("a jump host: cp-2 through lb-2, which cp-2 sees as the client", async () => {
    const lb2 = transport("lb-2");
    const cp2 = transport("cp-2", {}, { jump: lb2 });
    const result = await cp2.exec(["hostname"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: "cp-2\n" });
    expect(cp2.peerAddress).toBe(node("lb-2").address);
    expect(lb2.peerAddress).toBe(lab.plan.gateway);
    expect(cp2.destination).toContain("via lb-2");
  });

  it("SshPool: shared jump connections; connectAll lists every host's outcome", async () => {
    const ssh = settings();
    const inventory: Inventory = {
      file: access.inventoryFile,
      name: "pool",
      endpoint: { vip: `${NET}.200`, port: 6443, dns: "api.cluster.local", insecure: true },
      haproxy: lab.topology.haproxy,
      vipManager: "keepalived",
      jumpHosts: [{ id: "bastion", address: node("lb-2").address, ssh }],
      hosts: [
        { id: "cp-1", address: node("cp-1").address, roles: ["control-plane"], labels: {}, ssh: { ...ssh, jump: "bastion" }, services: {} },
        { id: "cp-2", address: node("cp-2").address, roles: ["control-plane"], labels: {}, ssh: { ...ssh, jump: "bastion" }, services: {} },
        { id: "lb-1", address: node("lb-1").address, roles: ["load-balancer"], labels: {}, ssh, services: {}, vipInterface: "eth0" },
        { id: "gone", address: `${NET}.98`, roles: ["control-plane"], labels: {}, ssh: { ...ssh, connectTimeoutMs: 1_500 }, services: {} },
      ],
    };
    const pool = new SshPool(inventory);
    try {
      expect(pool.transport("cp-1")).toBe(pool.transport("cp-1"));
      const results = await pool.connectAll();
      expect(results.map((r) => `${r.hostId}:${r.ok}`)).toEqual(["cp-1:true", "cp-2:true", "lb-1:true", "gone:false"]);
      expect(results.find((r) => r.hostId === "gone")?.error?.code).toBe("VIPDRILL_SSH_UNREACHABLE");
      for (const r of results.filter((r) => r.ok)) expect(r.roundTripMs).toBeGreaterThan(0);
      expect(pool.transport("cp-1").peerAddress).toBe(node("lb-2").address);
      expect(pool.transport("bastion").connected).toBe(true);
    } finally {
      await pool.close();
    }
    expect(pool.transport("bastion").connected).toBe(false);
  });

  it("a link pulled under a running command: VIPDRILL_SSH_LOST within ~5 s; after the link is back, the next exec reconnects", async () => {
    const t = transport("cp-3");
    await t.connect();
    const pending = t.exec(["sleep", "30"], { timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    const cut = performance.now();
    const down = await node("cp-3").transport.exec(["ip", "link", "set", "dev", "eth0", "down"]);
    expect(down.exitCode).toBe(0);
    try {
      const error = await pending;
      const noticedMs = performance.now() - cut;
      console.log(`link pulled: the SSH exec failed after ${noticedMs.toFixed(0)} ms`);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).code).toBe("VIPDRILL_SSH_LOST");
      expect((error as TransportError).message).toMatch(/sleep 30.*keepalive/);
      expect(noticedMs).toBeLessThan(6_000);
      expect(t.connected).toBe(false);
    } finally {
      await node("cp-3").transport.exec(["ip", "link", "set", "dev", "eth0", "up"]);
    }
    const again = await t.exec(["hostname"]);
    expect(again).toMatchObject({ exitCode: 0, stdout: "cp-3\n" });
    expect(t.connected).toBe(true);
  });
});
