/**
 * A validated inventory: the real hosts a drill runs against, as normalise.ts makes it from
 * the file. Defaults are filled in and per-host SSH settings are merged over the file's `ssh:`.
 * Paths (identityFile, knownHostsFile, caFile) are absolute: `~` expanded, relative ones resolved
 * against the inventory file's directory.
 */
import type { Role, Topology, VipManager } from "../model/host.js";
import type { KubeCredentials } from "../model/kube-vip.js";

export interface SshSettings {
  /** Login user. Default "root". */
  user: string;
  /** Default 22. */
  port: number;
  /** Private key file; undefined: the agent only (and the default keys ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist). */
  identityFile?: string;
  /** Default ~/.ssh/known_hosts. Host keys are always verified against it. */
  knownHostsFile: string;
  /** Use the SSH agent at $SSH_AUTH_SOCK when it is set. Default true. */
  agent: boolean;
  /** Id of a host in `jumpHosts` (or in `hosts`) to connect through. */
  jump?: string;
  /** Run every command through `sudo -n` (never asks for a password). Default: true unless user is root. */
  sudo: boolean;
  /** TCP connect + handshake + auth. Default 10000. */
  connectTimeoutMs: number;
  /** Default timeout of one command. Default 15000. */
  commandTimeoutMs: number;
}

/** How to stop/start a service on a host that has no systemd, or other unit names. */
export interface ServiceOverride {
  stop: string[];
  start: string[];
  /** Exits 0 while the service runs. Default: `systemctl is-active --quiet NAME`, or `pgrep -x NAME` when stop/start are not systemctl. */
  isActive?: string[];
}

export interface InventoryHost {
  id: string;
  address: string;
  roles: Role[];
  labels: Record<string, string>;
  /** The interface that carries the VIP (and the link a link pull takes down). Required where the VIP can live. */
  vipInterface?: string;
  ssh: SshSettings;
  services: Record<string, ServiceOverride>;
  /** Control planes: this host's server name in the HAProxy backend. Default: its id. */
  haproxyServer?: string;
  /** kube-vip: the Kubernetes node name (the Lease's holderIdentity). Default: its id. */
  nodeName?: string;
  /** Load balancers: HAProxy's runtime socket here. Default: found from the running HAProxy. */
  haproxySocket?: string;
  /** Load balancers: the keepalived.conf read here. Default: found from the running Keepalived. */
  keepalivedConf?: string;
}

/** kube-vip's settings (topology kube-vip). */
export interface InventoryKubeVip {
  /** Absolute path of a kubeconfig on this machine; undefined: kubectl on the control planes. */
  kubeconfig?: string;
  /** Its credentials, read when the inventory is loaded. */
  credentials?: KubeCredentials;
  /** The kubeconfig kubectl uses on the control planes. Default /etc/kubernetes/admin.conf. */
  hostKubeconfig: string;
  manifest: string;
  container: string;
  lease: { namespace: string; name: string };
}

/** A host used only to reach others (a bastion): never drilled, never probed. */
export interface JumpHost {
  id: string;
  address: string;
  ssh: SshSettings;
}

export interface InventoryEndpoint {
  vip: string;
  /** Default 6443. */
  port: number;
  /** The API's DNS name (SNI and Host); undefined: the VIP is used. */
  dns?: string;
  /** CA that signed the serving certificates (absolute path). */
  caFile?: string;
  /** Its PEM text, read when the inventory is loaded. */
  caPem?: string;
  /** Probe without verifying the certificate. Exactly one of caFile / insecure: true is required. */
  insecure: boolean;
}

export interface Inventory {
  /** Absolute path of the file. */
  file: string;
  /** Default: the file name without extension. */
  name: string;
  endpoint: InventoryEndpoint;
  /**
   * HAProxy runtime API on the load balancers: backend default kube-apiservers; socketGiven
   * "inventory" when the file sets one socket for all (else each balancer's is found from its
   * running HAProxy, and `socket`, /run/haproxy/admin.sock, is the fallback).
   */
  haproxy: Topology["haproxy"];
  /** What holds the VIP. Default: kube-vip when no host is a load balancer. */
  vipManager: VipManager;
  /** Present with kube-vip. */
  kubeVip?: InventoryKubeVip;
  hosts: InventoryHost[];
  jumpHosts: JumpHost[];
}
