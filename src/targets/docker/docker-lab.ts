import type Docker from "dockerode";
import { createHash } from "node:crypto";
import { AbortedError, LabError, UsageError, VipdrillError, errorMessage } from "../../common/errors.js";
import { sleep } from "../../common/clock.js";
import { cidrsOverlap, dockerRangeOf, formatCidr, intToIp, parseCidr } from "../../common/ipv4.js";
import type { LabSpec } from "../../model/scenario.js";
import { hostsWithRole, type Host, type NodeLifecycle, type Topology } from "../../model/host.js";
import type { KubeVipSetup } from "../../model/kube-vip.js";
import { parseKubeconfig } from "../../inventory/kubeconfig.js";
import { DockerExecTransport } from "./docker-exec-transport.js";
import { ensureNodeImage, type ProgressFn } from "./images.js";
import { makeLabCertificates } from "./lab-certs.js";
import { LAB_ADMIN_CONF, renderLabFiles, withFilesReplaced, type LabFile } from "./lab-files.js";
import { LabNodeContainer } from "./lab-node-container.js";
import type { LabPlan } from "./lab-plan.js";
import { containerName, labTopology } from "./lab-topology.js";

export const LABEL_LAB = "vipdrill.lab";
const LABEL_NODE = "vipdrill.node";
const LABEL_ROLE = "vipdrill.role";
const LABEL_OWNER = "vipdrill.owner";
const LABEL_PLAN = "vipdrill.plan";
const READY_TIMEOUT_MS = 90_000;

/** Addresses: control planes at .11…, load balancers at .21…, inside Docker's range but placed by us. */
export function planLab(spec: LabSpec, dns: string, name: string): LabPlan {
  const subnet = parseCidr(spec.subnet);
  if (!subnet || subnet.prefix > 24) {
    throw new UsageError("VIPDRILL_LAB_SUBNET", `lab.subnet: expected an IPv4 CIDR of /24 or larger, got ${spec.subnet}`);
  }
  const nodes: LabPlan["nodes"] = [];
  for (let i = 1; i <= spec.controlPlanes; i++) {
    nodes.push({ id: `cp-${i}`, role: "control-plane", address: intToIp(subnet.network + 10 + i) });
  }
  // kube-vip puts the VIP on the control planes themselves: there is no balancer tier.
  const loadBalancers = spec.topology === "kube-vip" ? 0 : spec.loadBalancers;
  for (let i = 1; i <= loadBalancers; i++) {
    nodes.push({ id: `lb-${i}`, role: "load-balancer", address: intToIp(subnet.network + 20 + i) });
  }
  // The VRRP password is derived from the lab name so re-attaching to a running lab needs no state.
  const authPass = createHash("sha256").update(`vipdrill:${name}`).digest("hex").slice(0, 8);
  return {
    name,
    subnet: formatCidr(subnet),
    ipRange: formatCidr(dockerRangeOf(subnet)),
    gateway: intToIp(subnet.network + 1),
    vip: spec.vip,
    dns,
    port: 6443,
    interface: "eth0",
    vrrp: { routerId: 51, authPass, advertIntS: spec.advertIntS, ...(Number.isInteger(spec.advertIntS) ? {} : { version: 3 as const }) },
    nodes,
    vipManager: spec.topology === "kube-vip" ? "kube-vip" : "keepalived",
    ...(spec.topology === "kube-vip" && spec.kubeVip ? { kubeVip: spec.kubeVip } : {}),
  };
}

export interface StartedLab {
  readonly plan: LabPlan;
  readonly topology: Topology;
  /** True when this call created the lab (so the caller owns its teardown). */
  readonly created: boolean;
}

export interface LabStatus {
  name: string;
  nodes: Array<{ id: string; role: string; address: string; state: string }>;
  owner: string | undefined;
  network: boolean;
}

const networkName = (lab: string): string => `vipdrill-${lab}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The docker lab: one network with a fixed subnet, one systemd container per node. */
/**
 * How the provider tells a lab is ready: given by its caller (engine/readiness.ts), because what
 * "healthy" means belongs to the drill, a floor above the targets.
 */
export interface LabReadiness {
  /** Resolves once the endpoint and every backend are healthy; a LabError after timeoutMs. */
  waitUntilHealthy(topology: Topology, options: { signal?: AbortSignal; timeoutMs: number; progress?: (message: string) => void }): Promise<void>;
  /** The hosts holding the VIP now. */
  vipHolders(topology: Topology): Promise<string[]>;
}

export class DockerLabProvider {
  constructor(
    private readonly docker: Docker,
    private readonly readiness: LabReadiness,
  ) {}

  /**
   * Bring the lab up, or attach to one started by `vipdrill lab up` with the same plan.
   * `owner` is "lab-up" for a lab meant to outlive the command, else "run:<pid>".
   */
  async up(
    plan: LabPlan,
    options: {
      owner: string;
      progress?: ProgressFn;
      reuse: boolean;
      signal?: AbortSignal;
      /** Per node, files in place of the templates' (a proposed configuration: proposed-config.ts). */
      files?: ReadonlyMap<string, readonly LabFile[]>;
    },
  ): Promise<StartedLab> {
    const progress = options.progress ?? (() => undefined);
    const existing = await this.#containers(plan.name);
    if (existing.length > 0) {
      const owner = existing[0]!.Labels[LABEL_OWNER] ?? "";
      const runPid = /^run:(\d+)$/.exec(owner)?.[1];
      const allRunning = existing.every((c) => c.State === "running");
      if (runPid && Number(runPid) !== process.pid && isAlive(Number(runPid))) {
        throw new LabError(
          "VIPDRILL_LAB_IN_USE",
          `lab "${plan.name}" is in use by another vipdrill run (pid ${runPid}): wait for it, or stop it`,
        );
      }
      if (owner === "lab-up" && allRunning) {
        if (!options.reuse) {
          throw new LabError(
            "VIPDRILL_LAB_RUNNING",
            `lab "${plan.name}" is already running: drills use it as it is; \`vipdrill lab down\` removes it`,
          );
        }
        const planLabel = existing[0]!.Labels[LABEL_PLAN];
        if (planLabel !== JSON.stringify(plan)) {
          throw new LabError(
            "VIPDRILL_LAB_MISMATCH",
            `the running lab "${plan.name}" was built with other settings (subnet, VIP or nodes) than this scenario: \`vipdrill lab down\` first`,
          );
        }
        progress(`using the running lab "${plan.name}"`);
        const topology = await this.#topology(plan);
        await this.readiness.waitUntilHealthy(topology, { signal: options.signal, timeoutMs: READY_TIMEOUT_MS, progress });
        return { plan, topology, created: false };
      }
      progress(`removing what an interrupted run left of lab "${plan.name}"`);
      await this.down(plan.name);
    } else {
      await this.#removeNetwork(plan.name);
    }

    const image = await ensureNodeImage(this.docker, progress);
    if (options.signal?.aborted) throw new AbortedError("interrupted before the lab was started");
    const certs = await makeLabCertificates({
      dns: plan.dns,
      vip: plan.vip,
      nodes: plan.nodes.filter((n) => n.role === "control-plane"),
      admin: plan.vipManager === "kube-vip",
    });
    const files = withFilesReplaced(await renderLabFiles(plan, certs), options.files);
    const labels = { [LABEL_LAB]: plan.name, [LABEL_OWNER]: options.owner };
    progress(`lab "${plan.name}": creating network ${plan.subnet} and ${plan.nodes.length} nodes`);
    try {
      await this.docker.createNetwork({
        Name: networkName(plan.name),
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: labels,
        IPAM: { Driver: "default", Config: [{ Subnet: plan.subnet, IPRange: plan.ipRange, Gateway: plan.gateway }] },
      });
    } catch (error) {
      const message = errorMessage(error);
      if (/overlap/i.test(message)) {
        throw new LabError("VIPDRILL_LAB_SUBNET_TAKEN", `lab subnet ${plan.subnet} overlaps ${await this.#overlapping(plan.subnet)}`, {
          cause: error,
        });
      }
      throw new LabError("VIPDRILL_LAB_NETWORK", `creating the lab network failed: ${message}`, { cause: error });
    }
    try {
      await Promise.all(
        plan.nodes.map((node) =>
          new LabNodeContainer(image, {
            name: containerName(plan.name, node.id),
            hostname: node.id,
            network: networkName(plan.name),
            address: node.address,
            labels: { ...labels, [LABEL_NODE]: node.id, [LABEL_ROLE]: node.role, [LABEL_PLAN]: JSON.stringify(plan) },
            files: files.get(node.id) ?? [],
          }).start(),
        ),
      );
      const topology = await this.#topology(plan);
      progress(`lab "${plan.name}": waiting until healthy`);
      await this.readiness.waitUntilHealthy(topology, { signal: options.signal, timeoutMs: READY_TIMEOUT_MS, progress });
      // kube-vip has no intended leader: readiness already waited for one node to hold the Lease and the VIP.
      if (plan.vipManager === "keepalived") await this.#waitForMaster(plan, topology, options.signal, progress);
      return { plan, topology, created: true };
    } catch (error) {
      // VIPDRILL_KEEP_FAILED_LAB=1 keeps a lab that did not come up, to look inside it.
      if (process.env.VIPDRILL_KEEP_FAILED_LAB !== "1") await this.down(plan.name).catch(() => undefined);
      if (error instanceof VipdrillError) throw error;
      throw new LabError("VIPDRILL_LAB_START", `lab "${plan.name}" could not be started: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * A new lab is steady only once VRRP has converged on the intended master (the first balancer,
   * priority 101): the backup often wins the first election while the master's check script is still
   * rising, and the master then preempts — which must not happen in the middle of a drill's baseline.
   */
  async #waitForMaster(plan: LabPlan, topology: Topology, signal: AbortSignal | undefined, progress: ProgressFn): Promise<void> {
    const master = plan.master ?? plan.nodes.filter((n) => n.role === "load-balancer").map((n) => n.id).sort()[0];
    if (!master) return;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let holders: string[] = [];
    while (Date.now() < deadline) {
      if (signal?.aborted) throw new AbortedError("interrupted while the lab was starting");
      holders = await this.readiness.vipHolders(topology);
      if (holders.length === 1 && holders[0] === master) return;
      progress(`lab "${plan.name}": waiting for the VIP to settle on ${master} (now on ${holders.join("+") || "none"})`);
      await sleep(200, signal);
    }
    throw new LabError("VIPDRILL_LAB_NOT_READY", `lab "${plan.name}": the VIP did not settle on ${master} (held by ${holders.join(", ") || "none"})`);
  }

  /** Remove every container and network labelled with this lab. Safe to call on a lab that is gone. */
  async down(name: string): Promise<number> {
    const containers = await this.#containers(name);
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true })));
    await this.#removeNetwork(name);
    return containers.length;
  }

  /** The names of every lab with a container or a network on this engine. */
  async labs(): Promise<string[]> {
    const filters = { label: [LABEL_LAB] };
    const [containers, networks] = await Promise.all([this.docker.listContainers({ all: true, filters }), this.docker.listNetworks({ filters })]);
    const names = [...containers, ...networks].flatMap((item) => (item.Labels?.[LABEL_LAB] ? [item.Labels[LABEL_LAB]] : []));
    return [...new Set(names)].sort();
  }

  async status(name: string): Promise<LabStatus> {
    const containers = await this.#containers(name);
    const networks = await this.docker.listNetworks({ filters: { label: [`${LABEL_LAB}=${name}`] } });
    let addresses: Record<string, string> = {};
    const plan = containers[0]?.Labels[LABEL_PLAN];
    if (plan) addresses = Object.fromEntries((JSON.parse(plan) as LabPlan).nodes.map((n) => [n.id, n.address]));
    return {
      name,
      owner: containers[0]?.Labels[LABEL_OWNER],
      network: networks.length > 0,
      nodes: containers
        .map((c) => {
          const id = c.Labels[LABEL_NODE] ?? c.Names[0] ?? c.Id;
          return { id, role: c.Labels[LABEL_ROLE] ?? "?", address: addresses[id] ?? "?", state: c.State };
        })
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
  }

  async #containers(name: string): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${name}`] } });
  }

  /** What holds a subnet, said so that the user knows what to remove: another lab is the usual case. */
  async #overlapping(subnet: string): Promise<string> {
    const wanted = parseCidr(subnet);
    const networks = wanted ? await this.docker.listNetworks().catch(() => []) : [];
    const holder = networks.find((n) =>
      (n.IPAM?.Config ?? []).some((c) => {
        const cidr = c.Subnet ? parseCidr(c.Subnet) : undefined;
        return cidr !== undefined && cidrsOverlap(cidr, wanted!);
      }),
    );
    const lab = holder?.Labels?.[LABEL_LAB];
    if (lab) return `lab "${lab}"'s network (vipdrill lab down --lab-name ${lab}), or choose another lab.subnet in the scenario`;
    if (holder) return `Docker network "${holder.Name}" on this host: remove it, or choose another lab.subnet in the scenario`;
    return "a network that already exists on this host: choose another lab.subnet in the scenario";
  }

  async #removeNetwork(name: string): Promise<void> {
    const networks = await this.docker.listNetworks({ filters: { label: [`${LABEL_LAB}=${name}`] } });
    await Promise.all(networks.map((n) => this.docker.getNetwork(n.Id).remove()));
  }

  async #topology(plan: LabPlan): Promise<Topology> {
    const docker = this.docker;
    const byId = (id: string): Docker.Container => docker.getContainer(containerName(plan.name, id));
    const transports = new Map<string, DockerExecTransport>();
    // A node about to be killed or frozen has its command shells ended first: a command meant for it
    // then fails at once in the engine's words (not running, paused), as an exec does, instead of
    // waiting out its timeout in a frozen shell. New ones open once it runs again.
    const lifecycle: NodeLifecycle = {
      kill: async (id) => {
        await transports.get(id)?.close();
        await byId(id).kill();
      },
      start: async (id) => void (await byId(id).start()),
      pause: async (id) => {
        await transports.get(id)?.close();
        await byId(id).pause();
      },
      unpause: async (id) => void (await byId(id).unpause()),
      state: async (id) => {
        try {
          const info = await byId(id).inspect();
          return info.State.Paused ? "paused" : info.State.Running ? "running" : "exited";
        } catch {
          return "missing";
        }
      },
    };
    const topology = labTopology(
      plan,
      (node) => {
        const transport = new DockerExecTransport(docker, containerName(plan.name, node.id));
        transports.set(node.id, transport);
        return transport;
      },
      lifecycle,
    );
    const cp = hostsWithRole(topology.hosts, "control-plane")[0];
    const ca = cp ? await cp.transport.exec(["cat", "/etc/vipdrill/apiserver/ca.crt"]) : undefined;
    const withCa = ca?.exitCode === 0 ? { ...topology, endpoint: { ...topology.endpoint, caPem: ca.stdout } } : topology;
    return cp && withCa.kubeVip ? { ...withCa, kubeVip: await this.#leaseThroughApi(cp, withCa.kubeVip) } : withCa;
  }

  /** The lab's admin kubeconfig, read from a node (a lab started earlier too): the Lease is then read through each apiserver. */
  async #leaseThroughApi(cp: Host, setup: KubeVipSetup): Promise<KubeVipSetup> {
    const conf = await cp.transport.exec(["cat", LAB_ADMIN_CONF]);
    if (conf.exitCode !== 0) return setup;
    const credentials = await parseKubeconfig(conf.stdout, `${cp.id}:${LAB_ADMIN_CONF}`, () => Promise.reject(new Error("the lab's kubeconfig embeds its certificates")));
    return { ...setup, leaseAccess: { kind: "api", credentials } };
  }
}
