/**
 * Every code a VipdrillError can carry, declared once with its exit class (src/cli/exit-codes.ts maps a
 * class to an exit code). The error classes in errors.ts accept only the codes of their own class, so
 * an unknown code, or a code thrown as the wrong kind of error, does not compile.
 */

/** What kind of failure a code is; the CLI turns each into one exit code. */
export const EXIT_CLASSES = ["usage", "lab", "fault", "restore", "aborted", "internal"] as const;
export type ExitClass = (typeof EXIT_CLASSES)[number];

export interface ErrorCodeEntry {
  readonly exit: ExitClass;
  /** When the code is thrown, in a few words (for readers of the catalogue and of --debug output). */
  readonly summary: string;
}

export const ERROR_CODES = {
  // usage: the input cannot be used as given; nothing was done.
  VIPDRILL_USAGE: { exit: "usage", summary: "a command line vipdrill does not understand" },
  VIPDRILL_CONFIRMATION_NEEDED: { exit: "usage", summary: "a run that must be confirmed, with no terminal to ask on and no --yes" },
  VIPDRILL_NO_LAB: { exit: "usage", summary: "a command that needs a running lab, and none runs" },
  VIPDRILL_SCENARIO_INVALID: { exit: "usage", summary: "a scenario file that does not validate" },
  VIPDRILL_SCENARIO_NOT_FOUND: { exit: "usage", summary: "no scenario file, and no shipped scenario, by that name" },
  VIPDRILL_SCENARIO_UNREADABLE: { exit: "usage", summary: "a scenario file that cannot be read" },
  VIPDRILL_INVENTORY_INVALID: { exit: "usage", summary: "an inventory file that does not validate" },
  VIPDRILL_INVENTORY_NOT_FOUND: { exit: "usage", summary: "no inventory file at that path" },
  VIPDRILL_INVENTORY_UNREADABLE: { exit: "usage", summary: "an inventory file that cannot be read" },
  VIPDRILL_INVENTORY_HOST: { exit: "usage", summary: "a host id the inventory does not have" },
  VIPDRILL_INVENTORY_JUMP: { exit: "usage", summary: "jump hosts that form a loop" },
  VIPDRILL_WATCH_RUNNING: { exit: "usage", summary: "a watch while another one of this user's is running" },
  VIPDRILL_NO_WATCH: { exit: "usage", summary: "vipdrill mark with no watch running" },
  VIPDRILL_KUBECONFIG_INVALID: { exit: "usage", summary: "a kubeconfig that cannot be read or used (malformed, no credentials vipdrill can use)" },
  VIPDRILL_DURATION_INVALID: { exit: "usage", summary: "a duration that is not one (250ms, 5s, 1m)" },
  VIPDRILL_SELECTOR_INVALID: { exit: "usage", summary: "a fault target that is not a selector" },
  VIPDRILL_NO_VIP_OWNER: { exit: "usage", summary: "fault.target vip-owner while no host holds the VIP" },
  VIPDRILL_SELECTOR_TOPOLOGY: { exit: "usage", summary: "a fault target that the topology has no such thing for (kube-vip-leader on Keepalived)" },
  VIPDRILL_NO_LEASE_HOLDER: { exit: "usage", summary: "fault.target kube-vip-leader while nobody holds kube-vip's Lease" },
  VIPDRILL_SEVERAL_VIP_OWNERS: { exit: "usage", summary: "fault.target vip-owner while several hosts hold the VIP" },
  VIPDRILL_UNKNOWN_HOST: { exit: "usage", summary: "a fault target naming a host the topology does not have" },
  VIPDRILL_NO_TARGET: { exit: "usage", summary: "a fault target that selects no host" },
  VIPDRILL_TARGET_ROLE: { exit: "usage", summary: "a fault target with hosts of a role the fault cannot act on" },
  VIPDRILL_BLAST_RADIUS: { exit: "usage", summary: "a fault wider than the endpoint can survive, without --allow-wide-blast-radius" },
  VIPDRILL_LAB_SUBNET: { exit: "usage", summary: "a lab subnet that is not an IPv4 CIDR of /24 or larger" },
  VIPDRILL_FAULT_LAB_ONLY: { exit: "usage", summary: "a lab-only fault against an inventory" },
  VIPDRILL_FAULT_PRECHECK: { exit: "usage", summary: "a fault that cannot apply to its hosts (no such unit, interface or server)" },
  VIPDRILL_REPORT_INVALID: { exit: "usage", summary: "a report.json that is not vipdrill's, is truncated, or is of a newer version" },
  VIPDRILL_REPORT_NOT_FOUND: { exit: "usage", summary: "a report folder or file that does not exist or holds no report.json" },
  VIPDRILL_HISTORY_INVALID: { exit: "usage", summary: "a history file with a line that is not a vipdrill history record" },
  VIPDRILL_COMPARE_MISMATCH: { exit: "usage", summary: "compare of two different scenarios without --force" },
  VIPDRILL_GATE_INVALID: { exit: "usage", summary: "a trend gate or --max-regression that does not parse" },
  VIPDRILL_CONFIG_UNREADABLE: { exit: "usage", summary: "a keepalived.conf or haproxy.cfg to drill that cannot be read" },
  VIPDRILL_CONFIG_INVALID: { exit: "usage", summary: "a keepalived.conf or haproxy.cfg to drill that cannot be mapped onto the lab (no VIP, a VRID used twice, a missing backend)" },
  VIPDRILL_CONFIG_REJECTED: { exit: "usage", summary: "a keepalived.conf or haproxy.cfg to drill that the daemon itself rejects (keepalived -t, haproxy -c)" },
  VIPDRILL_SWEEP_INVALID: { exit: "usage", summary: "a sweep --set that names no setting vipdrill knows, or a value of the wrong type" },

  // lab: the lab or the targets could not be brought up or reached.
  VIPDRILL_ENDPOINT_SILENT: { exit: "lab", summary: "a watched endpoint that never answered a probe" },
  VIPDRILL_LEASE_UNREADABLE: { exit: "lab", summary: "kube-vip's Lease cannot be read from any control plane (forbidden, unreachable, no kubeconfig)" },
  VIPDRILL_NO_DOCKER: { exit: "lab", summary: "no Docker engine at the socket" },
  VIPDRILL_DOCKER_PERMISSION: { exit: "lab", summary: "no permission on the Docker socket" },
  VIPDRILL_DOCKER_UNREACHABLE: { exit: "lab", summary: "a Docker engine that does not answer" },
  VIPDRILL_BASE_IMAGE: { exit: "lab", summary: "no Debian base image, and none can be made" },
  VIPDRILL_IMAGE_BUILD: { exit: "lab", summary: "the lab node image failed to build" },
  VIPDRILL_OPENSSL_MISSING: { exit: "lab", summary: "no openssl to make the lab's certificates" },
  VIPDRILL_CERTS: { exit: "lab", summary: "the lab's certificates could not be made" },
  VIPDRILL_LAB_TEMPLATE: { exit: "lab", summary: "a lab config template that cannot be read or filled in" },
  VIPDRILL_LAB_IN_USE: { exit: "lab", summary: "the lab is in use by another vipdrill run" },
  VIPDRILL_LAB_RUNNING: { exit: "lab", summary: "`lab up` on a lab that already runs" },
  VIPDRILL_LAB_MISMATCH: { exit: "lab", summary: "a running lab built with other settings than the scenario's" },
  VIPDRILL_LAB_SUBNET_TAKEN: { exit: "lab", summary: "the lab subnet overlaps a network that exists" },
  VIPDRILL_LAB_NETWORK: { exit: "lab", summary: "the lab network could not be created" },
  VIPDRILL_LAB_START: { exit: "lab", summary: "the lab's containers could not be started" },
  VIPDRILL_LAB_NOT_READY: { exit: "lab", summary: "the VIP did not settle on the lab's VRRP master" },
  VIPDRILL_LAB_SSH: { exit: "lab", summary: "`lab up --ssh` could not open the lab's nodes to SSH" },
  VIPDRILL_NOT_HEALTHY: { exit: "lab", summary: "the endpoint or its backends did not become healthy" },
  VIPDRILL_LAB_RECONFIGURE: { exit: "lab", summary: "a lab balancer that could not be given a new configuration, or did not come back healthy with it" },
  VIPDRILL_NOT_BACK: { exit: "lab", summary: "between repeats, the VIP did not come back to where the first iteration started" },
  VIPDRILL_NO_VIP_INTERFACE: { exit: "lab", summary: "a vipInterface the host does not have" },
  VIPDRILL_HAPROXY_SOCKET: { exit: "lab", summary: "a balancer's HAProxy runtime socket that waiting cannot make usable: none at admin level, no such socket, permission denied" },
  VIPDRILL_PREFLIGHT_FAILED: { exit: "lab", summary: "a preflight check failed before an inventory run" },
  VIPDRILL_HOSTS_UNREACHABLE: { exit: "lab", summary: "inventory hosts that cannot be used" },
  VIPDRILL_RUNTIME_CLIENT: { exit: "lab", summary: "a load balancer could not be asked for a client of HAProxy's runtime API" },
  VIPDRILL_DEAD_MAN: { exit: "lab", summary: "a dead-man timer could not be armed; nothing was injected" },
  VIPDRILL_SSH_UNREACHABLE: { exit: "lab", summary: "an SSH connection that cannot be made" },
  VIPDRILL_SSH_AUTH: { exit: "lab", summary: "no SSH key the host accepts" },
  VIPDRILL_SSH_KEY_FILE: { exit: "lab", summary: "an identity file that cannot be read or decrypted" },
  VIPDRILL_SSH_HOST_KEY_UNKNOWN: { exit: "lab", summary: "a host key not in known_hosts" },
  VIPDRILL_SSH_HOST_KEY_CHANGED: { exit: "lab", summary: "a host key other than the one in known_hosts" },
  VIPDRILL_SSH_HOST_KEY_REVOKED: { exit: "lab", summary: "a host key marked @revoked in known_hosts" },
  VIPDRILL_SSH_SUDO: { exit: "lab", summary: "sudo -n that fails (a password, requiretty, no right)" },
  VIPDRILL_SSH_EXEC: { exit: "lab", summary: "a host that connects but cannot run `true`" },
  VIPDRILL_SSH_CHANNEL: { exit: "lab", summary: "a host that refuses to start a command (MaxSessions)" },
  VIPDRILL_SSH_LOST: { exit: "lab", summary: "an SSH connection that dropped" },

  // fault: the drill measured nothing; what was injected was restored.
  VIPDRILL_INJECT_FAILED: { exit: "fault", summary: "an inject command that failed" },
  VIPDRILL_FAULT_NO_EFFECT: { exit: "fault", summary: "a fault that did not take effect" },

  VIPDRILL_RESTORE_FAILED: { exit: "restore", summary: "a restore that failed: hosts may still be faulted" },
  VIPDRILL_ABORTED: { exit: "aborted", summary: "a signal or a safety stop; faults were restored" },
  VIPDRILL_INTERNAL: { exit: "internal", summary: "a bug in vipdrill" },
} as const satisfies Record<`VIPDRILL_${string}`, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one exit class: CodeOf<"usage"> is every code whose `exit` is "usage". */
export type CodeOf<E extends ExitClass> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]["exit"] extends E ? C : never }[ErrorCode];

