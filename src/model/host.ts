/**
 * The seam between faults/observers and the machines they act on. A Host is reached only through
 * its ExecTransport, so the same fault works in the lab (docker exec) and on real hosts (SSH).
 */
import type { ConfigUnderTest } from "./config-under-test.js";
import type { KeepalivedSetup } from "./keepalived.js";
import type { KubeVipSetup } from "./kube-vip.js";

export const ROLES = ["control-plane", "load-balancer"] as const;
export type Role = (typeof ROLES)[number];

export interface ExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
}

/** A finished command. A non-zero exit is a result, never an exception. */
export interface ExecResult {
  argv: readonly string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** A long-running command whose stdout arrives line by line (observers). */
export interface ExecStream {
  /** Resolves when the command ends (or is stopped). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The host's realtime clock read at one moment of vipdrill's monotonic clock: the host read
 * hostEpochMs at runMs. A time the host stamped, h, is at runMs + (h − hostEpochMs) on our clock.
 */
export interface ClockPairing {
  /** What the host's clock said, ms since the epoch. */
  hostEpochMs: number;
  /** When, on vipdrill's monotonic clock (ms since its origin). */
  runMs: number;
  /** How far the pairing can be off: half the read's round trip, plus 500 where the host's clock reads whole seconds. */
  uncertaintyMs: number;
  /** The read's round trip (0 where the host shares our clock): about twice how long a command takes to reach the host. */
  roundTripMs: number;
}

export interface ExecTransport {
  readonly kind: "docker" | "ssh";
  /** The host reads the same clock as vipdrill (a container on this kernel): its stamps pair with our own wall clock as they arrive. */
  readonly sharesClock: boolean;
  /**
   * Where the host has its own clock: its clock read when the transport last connected, with runMs
   * on the process's monotonic scale (processMonotonicMs, in common/clock.ts); undefined if not read.
   */
  readonly connectPairing?: ClockPairing;
  /**
   * The address this host sees vipdrill's connection come from (SSH: the client side of
   * $SSH_CONNECTION, a jump host's address behind one); undefined where commands do not cross the
   * host's network (docker exec). A fault on the link that reaches this address cuts the transport.
   */
  readonly peerAddress?: string;
  /**
   * Runs argv (never a shell string). A non-zero exit or a timeout is a result; a transport that
   * cannot reach the host throws a TransportError.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Start argv and call onLine for each stdout line as it arrives. */
  stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream>;
  /** Release connections; later calls may reconnect. */
  close?(): Promise<void>;
  /**
   * processMonotonicMs (common/clock.ts) when anything last came from the host over this transport,
   * keepalive replies included; undefined where the transport cannot tell (docker exec needs no network).
   */
  lastHeardMs?(): number | undefined;
}

/** How the host's services are stopped/started; defaults to systemctl, overridable per host. */
export interface ServiceCommands {
  stop: string[];
  start: string[];
  /** Exit code 0 means running. */
  isActive: string[];
}

export interface Host {
  readonly id: string;
  /** Address reachable from the harness (probes to the node itself). */
  readonly address: string;
  readonly roles: readonly Role[];
  readonly labels: Readonly<Record<string, string>>;
  readonly transport: ExecTransport;
  /** The interface that carries the VIP (and the link a link-down fault pulls). */
  readonly vipInterface: string;
  /** Service name → commands; unlisted services use systemctl. */
  service(name: string): ServiceCommands;
  /** This control plane's server name in the HAProxy backend; its id when unset. */
  readonly haproxyServer?: string;
  /** Load balancers: HAProxy's runtime socket here, when the inventory says (else found from the running HAProxy). */
  readonly haproxySocket?: string;
  /** Load balancers: Keepalived's configuration file here, when the inventory says (else found from the running Keepalived). */
  readonly keepalivedConf?: string;
  /** The Kubernetes node name (kube-vip's Lease holderIdentity); its id when unset. */
  readonly nodeName?: string;
}

/** Lifecycle operations only a lab can do (node-kill, node-pause). */
export interface NodeLifecycle {
  kill(hostId: string): Promise<void>;
  start(hostId: string): Promise<void>;
  pause(hostId: string): Promise<void>;
  unpause(hostId: string): Promise<void>;
  state(hostId: string): Promise<"running" | "paused" | "exited" | "missing">;
}

export interface Endpoint {
  vip: string;
  port: number;
  /** DNS name sent as SNI and Host. */
  dns: string;
  /** PEM CA that signed the serving certificates; undefined means verification is off. */
  caPem?: string;
}

/** The resolved target of a drill: hosts with roles, and the endpoint in front of them. */
/** What holds the VIP: Keepalived on load balancers (Option B), or kube-vip on the control planes (Option A). */
export const VIP_MANAGERS = ["keepalived", "kube-vip"] as const;
export type VipManager = (typeof VIP_MANAGERS)[number];

export interface Topology {
  readonly kind: "lab" | "inventory";
  readonly name: string;
  readonly hosts: readonly Host[];
  readonly endpoint: Endpoint;
  readonly vipManager: VipManager;
  /** Present where kube-vip holds the VIP. */
  readonly kubeVip?: KubeVipSetup;
  /** Keepalived's and HAProxy's timers where known before the drill (the lab's templates); an inventory's are read from its hosts. */
  readonly keepalived?: KeepalivedSetup;
  /** A stand-in plays a part of the system under test (the lab's apiserver, kube-vip, kubelet): named in reports. */
  readonly standIns?: readonly string[];
  /**
   * HAProxy's runtime API socket and backend name on load balancers. `socketGiven`: the socket is
   * set for every balancer (the inventory's haproxy.socket, the lab's template); otherwise each
   * balancer's is found from its running HAProxy, `socket` being the fallback.
   */
  readonly haproxy: { socket: string; backend: string; socketGiven?: "inventory" | "lab" };
  /** Present only where nodes can be killed/paused (the docker lab). */
  readonly lifecycle?: NodeLifecycle;
  /** A configuration put on the lab's balancers in place of its templates (--keepalived-conf, a sweep): named in the report. */
  readonly configuration?: ConfigUnderTest;
  /** Close every host's transport (SSH connections). */
  close?(): Promise<void>;
}

/** The host kube-vip's Lease names: by node name, else by id. */
export const hostOfNode = (hosts: readonly Host[], nodeName: string): Host | undefined => hosts.find((h) => (h.nodeName ?? h.id) === nodeName);

/** The hosts that have `role`, in their order. */
export const hostsWithRole = (hosts: readonly Host[], role: Role): Host[] => hosts.filter((h) => h.roles.includes(role));

export function systemctlService(name: string): ServiceCommands {
  return {
    stop: ["systemctl", "stop", name],
    start: ["systemctl", "start", name],
    isActive: ["systemctl", "is-active", "--quiet", name],
  };
}

/**
 * The hosts that can hold the VIP: the load balancers (HAProxy + Keepalived), or the control
 * planes where there are none (kube-vip).
 */
export function vipCandidateHosts(topology: Topology): Host[] {
  const lbs = hostsWithRole(topology.hosts, "load-balancer");
  return lbs.length > 0 ? lbs : hostsWithRole(topology.hosts, "control-plane");
}
