/**
 * The seam between faults/observers and the machines they act on. A Host is reached only through
 * its ExecTransport, so the same fault works in the lab (docker exec) and on real hosts (SSH).
 */
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

export interface ExecTransport {
  readonly kind: "docker" | "ssh";
  /** The host reads the same clock as vipdrill (a container on this kernel): its timestamps need no offset. */
  readonly sharesClock: boolean;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Start argv and call onLine for each stdout line as it arrives. */
  stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream>;
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
export interface Topology {
  readonly kind: "lab" | "inventory";
  readonly name: string;
  readonly hosts: readonly Host[];
  readonly endpoint: Endpoint;
  /** HAProxy runtime API socket and backend name on load balancers. */
  readonly haproxy: { socket: string; backend: string };
  /** Present only where nodes can be killed/paused (the docker lab). */
  readonly lifecycle?: NodeLifecycle;
}

export function systemctlService(name: string): ServiceCommands {
  return {
    stop: ["systemctl", "stop", name],
    start: ["systemctl", "start", name],
    isActive: ["systemctl", "is-active", "--quiet", name],
  };
}
