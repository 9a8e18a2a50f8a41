import { ProbeColumns, type ProbeSchedule } from "./probe-columns.js";
import type { ProbeTable } from "./probe-table.js";

/**
 * The run's append-only timeline. Every event is stamped in milliseconds since the run origin on
 * the monotonic clock (see common/clock.ts). Verdicts are computed from it after the run.
 */
export const PROBE_ERROR_KINDS = [
  "connect-refused",
  "connect-timeout",
  "unreachable",
  "tls",
  "reset",
  "timeout",
  "http-status",
  "bad-body",
] as const;
export type ProbeErrorKind = (typeof PROBE_ERROR_KINDS)[number];
export type ProbeOutcome = "ok" | ProbeErrorKind;

/** The probe streams: fresh TCP + TLS per probe (the figures), and an optional keep-alive pool. */
export const FRESH_STREAM = "fresh";
export const KEEPALIVE_STREAM = "keep-alive";

/** A drill's phases; a watch (no fault: watching a real change) has the one phase "watch". */
export const PHASES = ["baseline", "fault", "restore", "settle", "watch"] as const;
export type PhaseName = (typeof PHASES)[number];

/** One probe that was sent: due at dueMs (t0 + seq·Δ), sent at sentMs, finished at doneMs. */
export interface ProbeEvent {
  type: "probe";
  /** Probe stream name, e.g. "fresh". */
  stream: string;
  seq: number;
  dueMs: number;
  sentMs: number;
  doneMs: number;
  outcome: ProbeOutcome;
  /** doneMs − dueMs: latency from the due time (coordinated-omission corrected). */
  latencyMs: number;
  /** Error detail (errno, status, message) for failures. */
  detail?: string;
}

/** A probe that was never sent because too many were in flight. */
export interface ProbeSkippedEvent {
  type: "probe-skipped";
  stream: string;
  seq: number;
  dueMs: number;
}

export interface PhaseEvent {
  type: "phase";
  phase: PhaseName;
  atMs: number;
}

/** A fault's inject or restore: the command started at startMs and returned at atMs. */
export interface FaultEvent {
  type: "fault-injected" | "fault-restored";
  faultId: string;
  fault: string;
  hosts: string[];
  startMs: number;
  atMs: number;
  /**
   * ± of atMs where it is a host's own stamp (a host the fault cut off from us), placed on our clock
   * through its clock pairing: the pairing's ± plus the drift between pairings; absent where atMs is
   * a command's return on our clock.
   */
  uncertaintyMs?: number;
}

/** The VIP appeared on / left a host (with the host's link up: a VIP on a downed link is not held). */
export interface VipEvent {
  type: "vip-added" | "vip-removed";
  host: string;
  atMs: number;
}

/** A Keepalived VRRP state transition seen in its log. */
export interface VrrpStateEvent {
  type: "vrrp-state";
  host: string;
  instance: string;
  state: string;
  atMs: number;
}

/** HAProxy's view of one backend server on one load balancer. */
export interface BackendStateEvent {
  type: "backend-state";
  host: string;
  backend: string;
  server: string;
  state: string;
  atMs: number;
}

/**
 * kube-vip's Lease as vipdrill read it when its record changed (a renewal, a new holder, a release),
 * through one control plane's apiserver or kubectl there.
 */
export interface LeaseEvent {
  type: "lease";
  /** The control plane it was read from. */
  source: string;
  /** holderIdentity; null when nobody holds it (client-go's release writes an empty holder). */
  holder: string | null;
  /** The host that holder names; null when nobody holds it or no host has that node name. */
  holderHost: string | null;
  transitions: number;
  /** renewTime and acquireTime, stamped by the holder's clock, on the run's clock; null when absent. */
  renewAtMs: number | null;
  acquireAtMs: number | null;
  /** The holder differs from the previous record's (else a renewal). */
  holderChanged: boolean;
  /** When vipdrill read this record. */
  atMs: number;
}

/** A line kube-vip logged, as its container runtime stamped it (crictl logs --timestamps). */
export interface KubeVipLogEvent {
  type: "kube-vip-log";
  host: string;
  message: string;
  atMs: number;
}

/** An operator's mark during a watch ("draining lb-1"): a key press on the watch's terminal, or `vipdrill mark`. */
export interface MarkEvent {
  type: "mark";
  atMs: number;
  text: string;
  source: "keyboard" | "command";
}

export interface NoteEvent {
  type: "note";
  atMs: number;
  message: string;
}

export type TimelineEvent =
  | ProbeEvent
  | ProbeSkippedEvent
  | PhaseEvent
  | FaultEvent
  | VipEvent
  | VrrpStateEvent
  | BackendStateEvent
  | LeaseEvent
  | KubeVipLogEvent
  | MarkEvent
  | NoteEvent;

/**
 * The run's timeline. Probe events are kept in columns per stream (probe-columns.ts: 17 bytes a
 * probe, every figure exact), the rest as events; listeners see every event as it is appended.
 */
export class Timeline {
  readonly #events: TimelineEvent[] = [];
  readonly #probes = new Map<string, ProbeColumns>();
  readonly #listeners = new Set<(event: TimelineEvent) => void>();

  append(event: TimelineEvent): void {
    if (event.type === "probe" || event.type === "probe-skipped") this.#columns(event.stream).add(event);
    else this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
  }

  /** A stream's schedule (from its probe runner), so its probes' due times need not be stored. */
  declareStream(stream: string, schedule: ProbeSchedule): void {
    if (!this.#probes.has(stream)) this.#probes.set(stream, new ProbeColumns(stream, schedule));
  }

  /** A stream's probes, as columns; undefined when it has none. */
  probeColumns(stream: string): ProbeColumns | undefined {
    return this.#probes.get(stream);
  }

  /** Every stream's probes due before `beforeMs`, as tables (no object per probe). */
  probeTables(beforeMs = Number.POSITIVE_INFINITY): ProbeTable[] {
    return [...this.#probes.values()].map((c) => c.table(beforeMs));
  }

  /** Every probe and skipped-probe event of every stream, made again from the columns, in sequence order per stream. */
  probeEvents(): TimelineEvent[] {
    return [...this.#probes.values()].flatMap((c) => [...c.probeEvents(), ...c.skippedEvents()]);
  }

  #columns(stream: string): ProbeColumns {
    let columns = this.#probes.get(stream);
    if (!columns) {
      columns = new ProbeColumns(stream);
      this.#probes.set(stream, columns);
    }
    return columns;
  }

  /** Subscribe to appended events (live progress); returns the unsubscribe function. */
  subscribe(listener: (event: TimelineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The events that are not probes (faults, VIP, notes, …): probes are in probeColumns / probeEvents. */
  get events(): readonly TimelineEvent[] {
    return this.#events;
  }
}
