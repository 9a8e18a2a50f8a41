/**
 * Open SSH on a running docker lab so it can be drilled as "real hosts": a key pair made here, its
 * public key in root's, drill's and drill-pw's authorized_keys on every node, the nodes' host keys
 * in a known_hosts file, the lab CA, and an inventory that addresses the nodes over SSH.
 */
import { execFile } from "node:child_process";
import { access, chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { LAB_ADMIN_CONF } from "./lab-files.js";
import { sleep } from "../../common/clock.js";
import { LabError, errorMessage } from "../../common/errors.js";
import { packageRoot } from "../../common/package-root.js";
import type { Host } from "../../model/host.js";
import type { StartedLab } from "./docker-lab.js";

const run = promisify(execFile);
const SSH_KEYGEN = "/usr/bin/ssh-keygen";
const SSH_PORT = 22;
/** Login users the lab image has: root, drill (passwordless sudo), drill-pw (sudo wants a password). */
export const LAB_SSH_USERS = ["root", "drill", "drill-pw"] as const;

export interface LabSshOptions {
  /** Users whose authorized_keys get the key (users a node lacks are skipped). Default: LAB_SSH_USERS. */
  users?: readonly string[];
  /** How long to wait for sshd on every node. Default 60 s. */
  timeoutMs?: number;
  progress?: (message: string) => void;
}

export interface LabSshAccess {
  dir: string;
  /** The private key (0600); its public half is identityFile + ".pub". */
  identityFile: string;
  publicKeyFile: string;
  knownHostsFile: string;
  caFile: string;
  inventoryFile: string;
}

/** Installs SSH access to every node of a started lab and writes what an SSH drill needs into dir. */
export async function enableLabSsh(lab: StartedLab, dir: string, options: LabSshOptions = {}): Promise<LabSshAccess> {
  const users = options.users ?? LAB_SSH_USERS;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const progress = options.progress ?? (() => undefined);
  const hosts = lab.topology.hosts;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const access: LabSshAccess = {
    dir,
    identityFile: join(dir, "id_ed25519"),
    publicKeyFile: join(dir, "id_ed25519.pub"),
    knownHostsFile: join(dir, "known_hosts"),
    caFile: join(dir, "ca.crt"),
    inventoryFile: join(dir, "inventory.yaml"),
  };

  progress(`lab "${lab.plan.name}": opening SSH on ${hosts.length} nodes`);
  const publicKey = await ensureKeyPair(access, hosts[0], lab.plan.name);
  const hostKeys = await Promise.all(
    hosts.map(async (host) => {
      await waitForSshd(host, deadline);
      await installKey(host, publicKey, users);
      await waitForBanner(host.address, deadline);
      const pub = await host.transport.exec(["cat", "/etc/ssh/ssh_host_ed25519_key.pub"], { timeoutMs: 10_000 });
      const [type, key] = pub.stdout.trim().split(/\s+/);
      if (pub.exitCode !== 0 || !type || !key) {
        throw new LabError("VIPDRILL_LAB_SSH", `${host.id}: cannot read its SSH host key (${pub.stderr.trim() || `exit ${pub.exitCode ?? "?"}`})`);
      }
      return `${host.address} ${type} ${key}`;
    }),
  );
  await writeFile(access.knownHostsFile, `${hostKeys.join("\n")}\n`, { mode: 0o600 });

  const caPem = lab.topology.endpoint.caPem ?? (await readLabCa(hosts));
  await writeFile(access.caFile, caPem, { mode: 0o644 });

  // kube-vip's Lease is read through each apiserver with the lab's admin kubeconfig, copied beside the inventory.
  const kubeconfigFile = join(dir, "admin.conf");
  if (lab.plan.vipManager === "kube-vip") {
    const conf = await hosts[0]!.transport.exec(["cat", LAB_ADMIN_CONF], { timeoutMs: 10_000 });
    if (conf.exitCode !== 0) throw new LabError("VIPDRILL_LAB_SSH", `${hosts[0]!.id}: cannot read ${LAB_ADMIN_CONF} (${conf.stderr.trim() || `exit ${conf.exitCode ?? "?"}`})`);
    await writeFile(kubeconfigFile, conf.stdout, { mode: 0o600 });
  }
  const inventory = {
    name: lab.plan.name,
    ...(lab.plan.vipManager === "kube-vip" ? { topology: "kube-vip", kubeVip: { kubeconfig: kubeconfigFile } } : {}),
    endpoint: { vip: lab.plan.vip, port: lab.plan.port, dns: lab.plan.dns, caFile: access.caFile },
    ssh: {
      user: "root",
      identityFile: access.identityFile,
      knownHostsFile: access.knownHostsFile,
      // The lab key only: an agent's keys would be tried first and could hit MaxAuthTries.
      agent: false,
    },
    haproxy: { socket: lab.topology.haproxy.socket, backend: lab.topology.haproxy.backend },
    hosts: hosts.map((h) => ({
      id: h.id,
      address: h.address,
      roles: [...h.roles],
      ...(h.vipInterface ? { vipInterface: h.vipInterface } : {}),
    })),
  };
  const header =
    `# yaml-language-server: $schema=${join(packageRoot(), "inventories", "inventory.schema.json")}\n` +
    `# The docker lab "${lab.plan.name}" as real hosts: every node over SSH (written by \`vipdrill lab up --ssh\`).\n` +
    `# Other users on the nodes: drill (passwordless sudo), drill-pw (sudo wants a password).\n`;
  await writeFile(access.inventoryFile, header + stringify(inventory), { mode: 0o644 });
  progress(`lab "${lab.plan.name}": SSH open; inventory at ${access.inventoryFile}`);
  return access;
}

/** The key pair in dir (kept if it is already there): made with ssh-keygen here, or in a lab node where there is none. */
async function ensureKeyPair(access: LabSshAccess, node: Host | undefined, labName: string): Promise<string> {
  if ((await fileExists(access.identityFile)) && (await fileExists(access.publicKeyFile))) {
    return (await readFile(access.publicKeyFile, "utf8")).trim();
  }
  const comment = `vipdrill-lab-${labName}`;
  if (await fileExists(SSH_KEYGEN)) {
    try {
      await run(SSH_KEYGEN, ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", access.identityFile], { timeout: 30_000 });
    } catch (error) {
      throw new LabError("VIPDRILL_LAB_SSH", `ssh-keygen could not make the lab key ${access.identityFile}: ${errorMessage(error)}`, { cause: error });
    }
  } else {
    if (!node) throw new LabError("VIPDRILL_LAB_SSH", "no ssh-keygen on this machine and no lab node to make a key in");
    const made = await node.transport.exec(
      [
        "sh",
        "-c",
        'd=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -C "$1" -f "$d/k" && cat "$d/k" && echo "--public--" && cat "$d/k.pub"; rc=$?; rm -rf "$d"; exit $rc',
        "vipdrill-keygen",
        comment,
      ],
      { timeoutMs: 30_000 },
    );
    const [privateKey, publicKey] = made.stdout.split("--public--\n");
    if (made.exitCode !== 0 || !privateKey || !publicKey) {
      throw new LabError("VIPDRILL_LAB_SSH", `no ssh-keygen on this machine, and making the key in ${node.id} failed: ${made.stderr.trim()}`);
    }
    await writeFile(access.identityFile, privateKey, { mode: 0o600 });
    await writeFile(access.publicKeyFile, publicKey, { mode: 0o644 });
  }
  await chmod(access.identityFile, 0o600);
  return (await readFile(access.publicKeyFile, "utf8")).trim();
}

async function fileExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** sshd starts after ssh-hostkeys.service has made the node's host keys at first boot. */
async function waitForSshd(host: Host, deadline: number): Promise<void> {
  let last = "";
  for (;;) {
    const check = await host.transport.exec(["sh", "-c", "test -s /etc/ssh/ssh_host_ed25519_key.pub && systemctl is-active ssh"], {
      timeoutMs: 10_000,
    });
    if (check.exitCode === 0) return;
    last = check.stdout.trim() || check.stderr.trim();
    if (Date.now() > deadline) {
      throw new LabError("VIPDRILL_LAB_SSH", `${host.id}: sshd did not start (ssh.service: ${last || "no host key yet"}); look with \`journalctl -u ssh\` in the node`);
    }
    await sleep(200);
  }
}

/** Add the key to each user's authorized_keys (once), with the owner and modes sshd insists on. */
async function installKey(host: Host, publicKey: string, users: readonly string[]): Promise<void> {
  const script = [
    "key=$(cat)",
    'for u in "$@"; do',
    '  home=$(getent passwd "$u" | cut -d: -f6); [ -n "$home" ] || continue',
    '  g=$(id -gn "$u") || exit 1',
    '  install -d -m 0700 -o "$u" -g "$g" "$home/.ssh" || exit 1',
    '  f="$home/.ssh/authorized_keys"',
    '  touch "$f" && { grep -qxF "$key" "$f" || printf \'%s\\n\' "$key" >> "$f"; } || exit 1',
    '  chown "$u:$g" "$f" && chmod 0600 "$f" || exit 1',
    "done",
  ].join("\n");
  const result = await host.transport.exec(["sh", "-c", script, "vipdrill-authorize", ...users], { stdin: `${publicKey}\n`, timeoutMs: 10_000 });
  if (result.exitCode !== 0) {
    throw new LabError("VIPDRILL_LAB_SSH", `${host.id}: installing the lab key failed: ${result.stderr.trim() || `exit ${result.exitCode ?? "?"}`}`);
  }
}

/** sshd answers from here: the TCP connection opens and the server sends its SSH banner. */
async function waitForBanner(address: string, deadline: number): Promise<void> {
  let last = "";
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: address, port: SSH_PORT });
        socket.setTimeout(2_000, () => socket.destroy(new Error("no banner within 2 s")));
        socket.once("data", (data: Buffer) => {
          socket.destroy();
          if (data.toString("latin1").startsWith("SSH-")) resolve();
          else reject(new Error(`not an SSH banner: ${JSON.stringify(data.toString("latin1").slice(0, 40))}`));
        });
        socket.once("error", reject);
        socket.once("close", () => reject(new Error("closed before the banner")));
      });
      return;
    } catch (error) {
      last = errorMessage(error);
    }
    if (Date.now() > deadline) throw new LabError("VIPDRILL_LAB_SSH", `sshd at ${address}:${SSH_PORT} does not answer from here: ${last}`);
    await sleep(200);
  }
}

async function readLabCa(hosts: readonly Host[]): Promise<string> {
  const cp = hosts.find((h) => h.roles.includes("control-plane")) ?? hosts[0];
  const ca = cp ? await cp.transport.exec(["cat", "/etc/vipdrill/apiserver/ca.crt"], { timeoutMs: 10_000 }) : undefined;
  if (!ca || ca.exitCode !== 0) throw new LabError("VIPDRILL_LAB_SSH", "cannot read the lab CA certificate from a control plane");
  return ca.stdout;
}
