/**
 * Keepalived's and HAProxy's timers as they decide a failover (the runbook's Option B): what the
 * predicted windows are computed from (analysis/keepalived-window.ts). Defaults are the daemons'
 * own (../shared/reference/systems-under-test.md §2.1, §3.1).
 */

/** One VRRP instance's part in an election. */
export interface VrrpPeer {
  /** `priority` as configured (1–255; 255 owns the address and ignores weights). */
  priority: number;
  /** `nopreempt`: never takes the VIP from a master of lower priority. */
  nopreempt: boolean;
  /** `preempt_delay` in ms (0: none): how long it keeps accepting a lower priority before preempting. */
  preemptDelayMs: number;
}

/** The vrrp_script the instances track (the same on every balancer, as the runbook's is). */
export interface TrackedScript {
  name: string;
  intervalMs: number;
  /** `timeout`; Keepalived waits up to the interval when it is 0. */
  timeoutMs: number;
  fall: number;
  rise: number;
  /** The track's weight: 0 puts the instance in FAULT when the script fails; otherwise the priority moves by it. */
  weight: number;
  /**
   * What a failed run means: "haproxy" when the script checks through the balancer's own HAProxy
   * (the runbook's `https://localhost:6443/healthz`, the lab's), so it fails while HAProxy is gone or
   * has no server UP; "unknown" when vipdrill cannot tell.
   */
  checks: "haproxy" | "unknown";
}

/** HAProxy's health checks of the control planes (default-server / server keywords). */
export interface HaproxyChecks {
  interMs: number;
  /** Between checks while a server is going UP or DOWN; `inter` when unset. */
  fastInterMs: number;
  /** Between checks while a server is DOWN; `inter` when unset. */
  downInterMs: number;
  fall: number;
  rise: number;
  /** `retries` ≥ 1 with `option redispatch`: a refused connect is retried on another server. */
  redispatch: boolean;
}

export interface KeepalivedTimings {
  /** VRRP version: 2 (Keepalived's default) or 3. */
  version: 2 | 3;
  advertIntMs: number;
  /** `down_timer_adverts`: adverts missed before a backup declares the master down (3). */
  downTimerAdverts: number;
  /** The instance on the balancer that holds the VIP. */
  master: VrrpPeer;
  /** The backup that takes over first: the highest priority among the others. */
  backup: VrrpPeer;
  /** The tracked vrrp_script; none: nothing but the link and Keepalived itself moves the VIP. */
  script?: TrackedScript;
  /** HAProxy's checks, where known. */
  haproxy?: HaproxyChecks;
}

/**
 * A balancer tier's timers as known before the drill (the lab's templates, a configuration read from
 * the hosts): what they share, and each balancer's own instance. Which one is the master is decided
 * by who holds the VIP when the fault hits (timingsWithMaster).
 */
export interface KeepalivedSetup {
  /** What the balancers share (the master's, where they differ). */
  common: Omit<KeepalivedTimings, "master" | "backup">;
  /** Each balancer's instance by host id. */
  peers: Readonly<Record<string, VrrpPeer>>;
  /** Where the settings came from, for reports ("the lab's templates", "keepalived.conf on lb-1, lb-2"). */
  source: string;
}

/** The timings with `masterId` holding the VIP and the highest priority of the others as its backup; undefined with no backup. */
export function timingsWithMaster(setup: KeepalivedSetup, masterId: string): KeepalivedTimings | undefined {
  const master = setup.peers[masterId];
  const others = Object.entries(setup.peers).filter(([id]) => id !== masterId).map(([, peer]) => peer);
  const backup = others.reduce<VrrpPeer | undefined>((best, peer) => (best === undefined || peer.priority > best.priority ? peer : best), undefined);
  return master && backup ? { ...setup.common, master, backup } : undefined;
}

export const KEEPALIVED_DEFAULTS = {
  advertIntMs: 1000,
  priority: 100,
  downTimerAdverts: 3,
  script: { intervalMs: 1000, timeoutMs: 0, fall: 1, rise: 1, weight: 0 },
} as const;

export const HAPROXY_CHECK_DEFAULTS = { interMs: 2000, fall: 3, rise: 2 } as const;
