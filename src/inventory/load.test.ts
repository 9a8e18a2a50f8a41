import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { inventoryJsonSchema } from "./json-schema.js";
import { loadInventory, parseInventory } from "./load.js";
import type { SshSettings } from "./types.js";

/** Under the working directory, so messages name it relatively: "staging.yaml:5: …". */
const FILE = join(process.cwd(), "staging.yaml");
const HOME = "/home/tester";
const parse = (text: string) => parseInventory(text, FILE, { homeDir: HOME });

/** Line 1: an endpoint that needs no CA file. */
const HEAD = "endpoint: { vip: 192.0.2.10, insecure: true }\n";
/** A control plane with no load balancer in the inventory (kube-vip): it carries the VIP. */
const CP = "{ id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0 }";

/** The message of the UsageError the text is refused with. */
const refused = (text: string): string => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("VIPDRILL_INVENTORY_INVALID");
    return (error as Error).message;
  }
  throw new Error("expected the inventory to be refused");
};

const ssh = (overrides: Partial<SshSettings> = {}): SshSettings => ({
  user: "root",
  port: 22,
  knownHostsFile: `${HOME}/.ssh/known_hosts`,
  agent: true,
  sudo: false,
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 15_000,
  ...overrides,
});

describe("a valid inventory", () => {
  it("a minimal one gets every documented default: with no load balancer, kube-vip holds the VIP", () => {
    expect(parse(`${HEAD}hosts:\n  - ${CP}\n`)).toEqual({
      file: FILE,
      name: "staging",
      endpoint: { vip: "192.0.2.10", port: 6443, insecure: true },
      haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" },
      vipManager: "kube-vip",
      kubeVip: {
        hostKubeconfig: "/etc/kubernetes/admin.conf",
        manifest: "/etc/kubernetes/manifests/kube-vip.yaml",
        container: "kube-vip",
        lease: { namespace: "kube-system", name: "plndr-cp-lock" },
      },
      hosts: [
        { id: "cp-1", address: "192.0.2.21", roles: ["control-plane"], labels: {}, vipInterface: "eth0", ssh: ssh(), services: {}, haproxyServer: "cp-1" },
      ],
      jumpHosts: [],
    });
  });

  it("kube-vip: its settings, node names, and no load balancer; Keepalived: no kube-vip settings", () => {
    const inventory = parse(`${HEAD}topology: kube-vip
kubeVip: { manifest: /etc/k8s/manifests/vip.yaml, container: vip, leaseNamespace: infra, leaseName: cp-lock, hostKubeconfig: /root/.kube/config }
hosts:
  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0, nodeName: master-1.example.org }
`);
    expect([inventory.vipManager, inventory.kubeVip, inventory.hosts[0]!.nodeName]).toEqual([
      "kube-vip",
      { hostKubeconfig: "/root/.kube/config", manifest: "/etc/k8s/manifests/vip.yaml", container: "vip", lease: { namespace: "infra", name: "cp-lock" } },
      "master-1.example.org",
    ]);
    expect(refused(`${HEAD}topology: kube-vip\nhosts:\n  - ${CP}\n  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0 }\n`)).toBe(
      'staging.yaml:5: hosts[1].roles: expected control-plane only with topology kube-vip (kube-vip puts the VIP on the control planes), got ["load-balancer"]',
    );
    expect(refused(`${HEAD}kubeVip: { container: vip }\nhosts:\n  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0 }\n`)).toBe(
      "staging.yaml:2: kubeVip: expected no kubeVip settings where Keepalived holds the VIP (topology haproxy-keepalived), got some: set topology: kube-vip, or drop kubeVip",
    );
  });

  it("every key set: SSH merged defaults < top-level < host, sudo by user, ~ and relative paths resolved", () => {
    const inventory = parse(`name: prod-eu
endpoint: { vip: 192.0.2.10, port: 8443, dns: api.example.org, caFile: pki/ca.crt, insecure: false }
ssh:
  user: ops
  identityFile: ~/.ssh/id_ed25519
  knownHostsFile: ./known_hosts
  agent: false
  connectTimeout: 5s
  commandTimeout: 1m
haproxy: { socket: /var/run/haproxy.sock, backend: apiservers }
jumpHosts:
  - { id: bastion, address: bastion.example.org, ssh: { user: root, identityFile: ~/.ssh/bastion } }
hosts:
  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0.100, labels: { rack: a } }
  - id: cp-1
    address: cp-1.example.org
    roles: [control-plane, load-balancer]
    vipInterface: bond0
    haproxyServer: master-1
    ssh: { port: 2222, jump: bastion, sudo: false, identityFile: /etc/keys/cp-1, commandTimeout: 250ms }
    services:
      kubelet: { stop: [pkill, -x, kubelet], start: [systemctl, start, kubelet], isActive: [pgrep, -x, kubelet] }
      kube-apiserver: { stop: [crictl, stop, apiserver], start: [crictl, start, apiserver] }
`);
    const top = { user: "ops", sudo: true, identityFile: `${HOME}/.ssh/id_ed25519`, knownHostsFile: join(process.cwd(), "known_hosts"), agent: false };
    expect(inventory.name).toBe("prod-eu");
    expect(inventory.endpoint).toEqual({ vip: "192.0.2.10", port: 8443, dns: "api.example.org", caFile: join(process.cwd(), "pki", "ca.crt"), insecure: false });
    expect(inventory.haproxy).toEqual({ socket: "/var/run/haproxy.sock", backend: "apiservers", socketGiven: "inventory" });
    expect(inventory.jumpHosts).toEqual([
      // root by its own ssh, so no sudo.
      { id: "bastion", address: "bastion.example.org", ssh: ssh({ ...top, user: "root", sudo: false, identityFile: `${HOME}/.ssh/bastion`, connectTimeoutMs: 5000, commandTimeoutMs: 60_000 }) },
    ]);
    const [lb, cp] = inventory.hosts;
    expect(lb).toEqual({
      id: "lb-1",
      address: "192.0.2.11",
      roles: ["load-balancer"],
      labels: { rack: "a" },
      vipInterface: "eth0.100",
      ssh: ssh({ ...top, connectTimeoutMs: 5000, commandTimeoutMs: 60_000 }),
      services: {},
    });
    expect(cp).toEqual({
      id: "cp-1",
      address: "cp-1.example.org",
      roles: ["control-plane", "load-balancer"],
      labels: {},
      vipInterface: "bond0",
      haproxyServer: "master-1",
      ssh: ssh({ ...top, port: 2222, jump: "bastion", sudo: false, identityFile: "/etc/keys/cp-1", connectTimeoutMs: 5000, commandTimeoutMs: 250 }),
      services: {
        kubelet: { stop: ["pkill", "-x", "kubelet"], start: ["systemctl", "start", "kubelet"], isActive: ["pgrep", "-x", "kubelet"] },
        "kube-apiserver": { stop: ["crictl", "stop", "apiserver"], start: ["crictl", "start", "apiserver"] },
      },
    });
  });

  it("a top-level jump is every host's route but the jump host's own", () => {
    const inventory = parse(`${HEAD}ssh: { jump: bastion }\njumpHosts:\n  - { id: bastion, address: 198.51.100.5 }\nhosts:\n  - ${CP}\n`);
    expect(inventory.jumpHosts[0]!.ssh.jump).toBeUndefined();
    expect(inventory.hosts[0]!.ssh.jump).toBe("bastion");
  });

  it("with load balancers, control planes need no vipInterface; haproxyServer defaults to the id on control planes only", () => {
    const inventory = parse(`${HEAD}hosts:
  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0 }
  - { id: cp-1, address: 192.0.2.21, roles: [control-plane] }
`);
    expect(inventory.hosts.map((h) => [h.id, h.vipInterface, h.haproxyServer])).toEqual([
      ["lb-1", "eth0", undefined],
      ["cp-1", undefined, "cp-1"],
    ]);
  });

  it("the shipped example: 2 load balancers, 3 control planes, through a bastion, as user ops with sudo", async () => {
    const file = join(packageRoot(), "inventories", "example.yaml");
    const text = await readFile(file, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./inventory.schema.json");
    const inventory = parseInventory(text, file, { homeDir: HOME });
    expect(inventory.endpoint).toEqual({
      vip: "192.0.2.10",
      port: 6443,
      dns: "api.cluster.local",
      caFile: join(packageRoot(), "inventories", "example-ca.crt"),
      insecure: false,
    });
    expect(inventory.jumpHosts.map((j) => [j.id, j.address, j.ssh.jump])).toEqual([["bastion", "198.51.100.5", undefined]]);
    expect(inventory.hosts.map((h) => [h.id, h.roles.join(), h.vipInterface, h.haproxyServer, h.ssh.jump, h.ssh.sudo])).toEqual([
      ["lb-1", "load-balancer", "eth0", undefined, "bastion", true],
      ["lb-2", "load-balancer", "eth0", undefined, "bastion", true],
      ["cp-1", "control-plane", undefined, "master-1", "bastion", true],
      ["cp-2", "control-plane", undefined, "master-2", "bastion", true],
      ["cp-3", "control-plane", undefined, "master-3", "bastion", true],
    ]);
    expect(inventory.hosts[4]!.ssh.port).toBe(2222);
    // No identity file: the agent and the default keys, so the example validates as shipped.
    expect(inventory.hosts[4]!.ssh.identityFile).toBeUndefined();
  });

  it("a balancer may say where its HAProxy socket and keepalived.conf are; one socket for all is marked as given", () => {
    const inventory = parse(
      `${HEAD}haproxy: { socket: /run/haproxy/admin.sock }\nhosts:\n` +
        "  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0, haproxySocket: /var/lib/haproxy/stats, keepalivedConf: /etc/keepalived/vip.conf }\n" +
        "  - { id: lb-2, address: 192.0.2.12, roles: [load-balancer], vipInterface: eth0 }\n",
    );
    expect(inventory.haproxy).toEqual({ socket: "/run/haproxy/admin.sock", backend: "kube-apiservers", socketGiven: "inventory" });
    expect(inventory.hosts.map((h) => [h.id, h.haproxySocket, h.keepalivedConf])).toEqual([
      ["lb-1", "/var/lib/haproxy/stats", "/etc/keepalived/vip.conf"],
      ["lb-2", undefined, undefined],
    ]);
  });

  it("the committed JSON Schema is the one the zod schema generates (npm run schema)", async () => {
    expect(await readFile(join(packageRoot(), "inventories", "inventory.schema.json"), "utf8")).toBe(inventoryJsonSchema());
  });
});

describe("bad inventories: one line each, file:line: path: expected …, got …", () => {
  it("an unknown key names the keys there are", () => {
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0, vipInterfce: eth1 }\n`)).toBe(
      'staging.yaml:3: hosts[0].vipInterfce: unknown key "vipInterfce" (expected one of: "id", "address", "roles", "labels", "vipInterface", "haproxyServer", "haproxySocket", "keepalivedConf", "nodeName", "ssh", "services")',
    );
    expect(refused(`${HEAD}ssh:\n  user: ops\n  sudoo: true\nhosts:\n  - ${CP}\n`)).toBe(
      'staging.yaml:4: ssh.sudoo: unknown key "sudoo" (expected one of: "user", "port", "identityFile", "knownHostsFile", "agent", "sudo", "jump", "connectTimeout", "commandTimeout")',
    );
  });

  it("a load balancer without vipInterface; on kube-vip, a control plane without it", () => {
    expect(refused(`${HEAD}hosts:\n  - ${CP}\n  - id: lb-1\n    address: 192.0.2.11\n    roles: [load-balancer]\n`)).toBe(
      "staging.yaml:4: hosts[1].vipInterface: expected the interface that carries the VIP (e.g. eth0) on a load balancer, got nothing",
    );
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane] }\n`)).toBe(
      "staging.yaml:3: hosts[0].vipInterface: expected the interface that carries the VIP (e.g. eth0) on a control plane when there is no load balancer (kube-vip), got nothing",
    );
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0/1 }\n`)).toBe(
      'staging.yaml:3: hosts[0].vipInterface: expected an interface name such as eth0, got "eth0/1"',
    );
  });

  it("a daemon's path on a host that is no load balancer, or a relative one", () => {
    expect(refused(`${HEAD}hosts:\n  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0 }\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], haproxySocket: /run/haproxy/admin.sock }\n`)).toBe(
      'staging.yaml:4: hosts[1].haproxySocket: expected no haproxySocket on a host that is not a load balancer, got "/run/haproxy/admin.sock"',
    );
    expect(refused(`${HEAD}hosts:\n  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer], vipInterface: eth0, keepalivedConf: keepalived.conf }\n`)).toBe(
      'staging.yaml:3: hosts[0].keepalivedConf: expected an absolute path on this load balancer such as /etc/keepalived/keepalived.conf, got "keepalived.conf"',
    );
  });

  it("duplicate ids, across hosts and jump hosts", () => {
    expect(refused(`${HEAD}hosts:\n  - ${CP}\n  - ${CP.replace("192.0.2.21", "192.0.2.22")}\n`)).toBe(
      'staging.yaml:4: hosts[1].id: expected an id no other host has, got "cp-1" (hosts[0] has it)',
    );
    expect(refused(`${HEAD}jumpHosts:\n  - { id: cp-1, address: 198.51.100.5 }\nhosts:\n  - ${CP}\n`)).toBe(
      'staging.yaml:3: jumpHosts[0].id: expected an id no other host has, got "cp-1" (hosts[0] has it)',
    );
  });

  it("a host id that is not one, or that a selector keyword would shadow", () => {
    expect(refused(`${HEAD}hosts:\n  - ${CP.replace("cp-1", "vip-1")}\n`)).toBe(
      'staging.yaml:3: hosts[0].id: expected a host id such as cp-1 (lower-case letters, digits, ".", "_" and "-", not starting with "vip-" or "role"), got "vip-1"',
    );
  });

  it("a jump to an unknown host, to itself, or around a cycle", () => {
    expect(refused(`${HEAD}jumpHosts:\n  - { id: bastion, address: 198.51.100.5 }\nhosts:\n  - id: cp-1\n    address: 192.0.2.21\n    roles: [control-plane]\n    vipInterface: eth0\n    ssh: { jump: bastoin }\n`)).toBe(
      'staging.yaml:9: hosts[0].ssh.jump: expected the id of a jump host or host (cp-1, bastion), got "bastoin"',
    );
    expect(refused(`${HEAD}ssh: { jump: nope }\nhosts:\n  - ${CP}\n`)).toBe('staging.yaml:2: ssh.jump: expected the id of a jump host or host (cp-1), got "nope"');
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0, ssh: { jump: cp-1 } }\n`)).toBe(
      'staging.yaml:3: hosts[0].ssh.jump: expected another host to connect through, got "cp-1" (the host itself)',
    );
    expect(
      refused(`${HEAD}jumpHosts:
  - { id: bastion-a, address: 198.51.100.5, ssh: { jump: bastion-b } }
  - { id: bastion-b, address: 198.51.100.6, ssh: { jump: bastion-a } }
hosts:
  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], vipInterface: eth0, ssh: { jump: bastion-a } }
`),
    ).toBe("staging.yaml:3: jumpHosts[0].ssh.jump: expected jumps that end at a host reached directly, got a cycle: bastion-a → bastion-b → bastion-a");
  });

  it("both caFile and insecure: true, or neither", () => {
    expect(refused(`endpoint: { vip: 192.0.2.10, caFile: ca.crt, insecure: true }\nhosts:\n  - ${CP}\n`)).toBe(
      "staging.yaml:1: endpoint.insecure: expected false when endpoint.caFile is set (verify against the CA, or drop caFile), got true",
    );
    expect(refused(`endpoint:\n  vip: 192.0.2.10\n  insecure: false\nhosts:\n  - ${CP}\n`)).toBe(
      "staging.yaml:1: endpoint.caFile: expected the CA certificate that signed the apiserver's serving certificates (or insecure: true), got nothing",
    );
  });

  it("a bad duration, or a zero timeout", () => {
    expect(refused(`${HEAD}ssh:\n  connectTimeout: 10 sec\nhosts:\n  - ${CP}\n`)).toBe('staging.yaml:3: ssh.connectTimeout: expected a duration such as 250ms, 5s or 1m, got "10 sec"');
    expect(refused(`${HEAD}ssh:\n  commandTimeout: 15\nhosts:\n  - ${CP}\n`)).toBe("staging.yaml:3: ssh.commandTimeout: expected a duration such as 250ms, 5s or 1m, got 15");
    expect(refused(`${HEAD}ssh:\n  commandTimeout: 0s\nhosts:\n  - ${CP}\n`)).toBe("staging.yaml:3: ssh.commandTimeout: expected a duration more than 0 such as 10s, got 0");
  });

  it("a bad address; a VIP that is not an IPv4 address", () => {
    expect(refused(`${HEAD}hosts:\n  - ${CP.replace("192.0.2.21", "192.0.2.256")}\n`)).toBe(
      'staging.yaml:3: hosts[0].address: expected an IPv4 address or a DNS name such as lb-1.example.org, got "192.0.2.256"',
    );
    expect(refused(`${HEAD}hosts:\n  - ${CP.replace("192.0.2.21", "cp_1.example.org")}\n`)).toBe(
      'staging.yaml:3: hosts[0].address: expected an IPv4 address or a DNS name such as lb-1.example.org, got "cp_1.example.org"',
    );
    expect(refused(`endpoint: { vip: api.example.org, insecure: true }\nhosts:\n  - ${CP}\n`)).toBe(
      'staging.yaml:1: endpoint.vip: expected the VIP, an IPv4 address such as 192.0.2.10, got "api.example.org"',
    );
  });

  it("no hosts, and roles that are missing, unknown or repeated", () => {
    expect(refused(`${HEAD}hosts: []\n`)).toBe("staging.yaml:2: hosts: expected at least one host, got an empty list");
    expect(refused(HEAD)).toBe("staging.yaml:1: hosts: expected a list of hosts with id, address and roles, got nothing");
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [], vipInterface: eth0 }\n`)).toBe(
      "staging.yaml:3: hosts[0].roles: expected at least one role: control-plane, load-balancer, got an empty list",
    );
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [master], vipInterface: eth0 }\n`)).toBe(
      'staging.yaml:3: hosts[0].roles[0]: expected one of "control-plane", "load-balancer", got "master"',
    );
    expect(refused(`${HEAD}hosts:\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane, control-plane], vipInterface: eth0 }\n`)).toBe(
      'staging.yaml:3: hosts[0].roles[1]: expected each role once, got "control-plane" again',
    );
  });

  it("service overrides are argv lists of non-empty strings", () => {
    const host = (services: string) => `${HEAD}hosts:\n  - id: cp-1\n    address: 192.0.2.21\n    roles: [control-plane]\n    vipInterface: eth0\n    services:\n${services}`;
    expect(refused(host("      kubelet: { stop: [], start: [systemctl, start, kubelet] }\n"))).toBe(
      "staging.yaml:8: hosts[0].services.kubelet.stop: expected a command as a list of arguments such as [systemctl, start, kubelet], got an empty list",
    );
    expect(refused(host("      kubelet: { stop: pkill kubelet, start: [systemctl, start, kubelet] }\n"))).toBe(
      'staging.yaml:8: hosts[0].services.kubelet.stop: expected a command as a list of arguments such as [systemctl, start, kubelet], got "pkill kubelet"',
    );
    expect(refused(host("      kubelet: { stop: [pkill, ''], start: [systemctl, start, kubelet] }\n"))).toBe(
      'staging.yaml:8: hosts[0].services.kubelet.stop[1]: expected a non-empty string, got ""',
    );
  });

  it("every problem at once, one line each, in file order", () => {
    expect(
      refused(`endpoint: { vip: 192.0.2.10 }
colour: blue
hosts:
  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer] }
  - { id: lb-1, address: 192.0.2.12, roles: [load-balancer], vipInterface: eth0, ssh: { port: 65536 } }
`).split("\n"),
    ).toEqual([
      "staging.yaml:1: endpoint.caFile: expected the CA certificate that signed the apiserver's serving certificates (or insecure: true), got nothing",
      'staging.yaml:2: colour: unknown key "colour" (expected one of: "name", "topology", "kubeVip", "endpoint", "ssh", "haproxy", "jumpHosts", "hosts")',
      "staging.yaml:4: hosts[0].vipInterface: expected the interface that carries the VIP (e.g. eth0) on a load balancer, got nothing",
      "staging.yaml:5: hosts[1].ssh.port: expected a port from 1 to 65535, got 65536",
      'staging.yaml:5: hosts[1].id: expected an id no other host has, got "lb-1" (hosts[0] has it)',
    ]);
  });

  it("YAML syntax errors, with line and column; an empty file", () => {
    expect(refused(`endpoint: { vip: 192.0.2.10\nhosts:\n  - ${CP}\n`)).toBe("staging.yaml:2:1: Flow map in block collection must be sufficiently indented and end with a }");
    expect(refused(`${HEAD}hosts: []\nhosts: []\n`)).toBe('staging.yaml:3:1: duplicate key "hosts" (map keys must be unique)');
    expect(refused(`${HEAD}hosts:\n  - ${CP}\n---\nhosts: []\n`)).toBe("staging.yaml:4:1: an inventory is one YAML document, but there is a second one here (after ---)");
    expect(refused("# todo\n")).toBe("staging.yaml:1: expected an inventory mapping (name, endpoint, ssh, haproxy, jumpHosts, hosts), got an empty file");
  });
});

describe("loadInventory: the files it names", () => {
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
  const setup = async (files: Record<string, string>): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-inventory-"));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return dir;
  };
  const inventory = (ssh: string) => `name: staging
endpoint:
  vip: 192.0.2.10
  caFile: pki/ca.crt
${ssh}hosts:
  - ${CP}
`;

  it("reads the CA into caPem, relative to the inventory's directory; key files only need to be readable", async () => {
    const dir = await setup({ "staging.yaml": inventory("ssh: { identityFile: keys/id }\n"), "pki/ca.crt": PEM, "keys/id": "not parsed" });
    const loaded = await loadInventory(join(dir, "staging.yaml"));
    expect(loaded.endpoint).toEqual({ vip: "192.0.2.10", port: 6443, caFile: join(dir, "pki", "ca.crt"), caPem: PEM, insecure: false });
    expect(loaded.hosts[0]!.ssh.identityFile).toBe(join(dir, "keys", "id"));
  });

  it("a CA file that cannot be read, or holds no certificate; a key file that is missing", async () => {
    const dir = await setup({ "staging.yaml": inventory("ssh:\n  identityFile: keys/id\n") });
    const file = join(dir, "staging.yaml");
    const error = await loadInventory(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("VIPDRILL_INVENTORY_INVALID");
    expect((error as UsageError).message.split("\n")).toEqual([
      `${file}:4: endpoint.caFile: cannot read ${join(dir, "pki", "ca.crt")} (ENOENT)`,
      `${file}:6: ssh.identityFile: cannot read ${join(dir, "keys", "id")} (ENOENT)`,
    ]);

    await writeFile(join(dir, "staging.yaml"), inventory(""));
    await mkdir(join(dir, "pki"));
    await writeFile(join(dir, "pki", "ca.crt"), "-----BEGIN PRIVATE KEY-----\n");
    await expect(loadInventory(file)).rejects.toThrow(
      `${file}:4: endpoint.caFile: expected a PEM certificate (-----BEGIN CERTIFICATE-----), got ${join(dir, "pki", "ca.crt")}, which has none`,
    );
  });

  it("a key file set on the host is reported at the host; an unreadable one by its errno", async () => {
    const dir = await setup({ "staging.yaml": inventory("").replace(`  - ${CP}`, `  - ${CP.replace(" }", ", ssh: { identityFile: key } }")}`), "pki/ca.crt": PEM });
    const file = join(dir, "staging.yaml");
    await mkdir(join(dir, "key"));
    await expect(loadInventory(file)).rejects.toThrow(`${file}:6: hosts[0].ssh.identityFile: cannot read ${join(dir, "key")} (not a regular file)`);
    if (process.getuid?.() !== 0) {
      // root reads anything, so only a user can see EACCES.
      await writeFile(join(dir, "key2"), "k");
      await chmod(join(dir, "key2"), 0o000);
      await writeFile(file, (await readFile(file, "utf8")).replace("identityFile: key ", "identityFile: key2 "));
      await expect(loadInventory(file)).rejects.toThrow(`${file}:6: hosts[0].ssh.identityFile: cannot read ${join(dir, "key2")} (EACCES)`);
    }
  });

  it("a missing inventory file: one line, its own code", async () => {
    const error = await loadInventory(join(process.cwd(), "inventories", "nope.yaml")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe("VIPDRILL_INVENTORY_NOT_FOUND");
    expect((error as UsageError).message).toBe("inventories/nope.yaml: no such file (an inventory lists the hosts to drill; see inventories/example.yaml)");
  });
});
