/**
 * The windows Keepalived's and HAProxy's mechanisms allow (README "Measurement definitions",
 * predicted windows), from their timers alone: ../shared/reference/systems-under-test.md §2.1 and
 * §3, and Keepalived's source (v2.2.7: vrrp.c vrrp_state_backup, vrrp_scheduler.c's script threads,
 * vrrp_track.c). Times in ms from the moment the fault (or its restore) takes effect.
 *
 * A backup declares the master down N·A + skew after the last advert it accepted (A = advert_int,
 * N = down_timer_adverts; skew = (256 − priority)/256 s in VRRPv2, × A in VRRPv3), and at once
 * after a priority-0 advert (a graceful stop, or a master entering FAULT) it waits the skew alone.
 * It accepts adverts of its own priority or higher and discards lower ones (it preempts), unless
 * nopreempt, or until preempt_delay has passed since the first lower one. A vrrp_script runs every
 * interval on a fixed timer; `fall` failed runs in a row fail it, `rise` good ones restore it; a run
 * that hangs counts as failed at its timeout (the interval when 0). Weight 0: the instance goes to
 * FAULT (a master sends priority 0 as it does); another weight moves its priority.
 */
import type { HaproxyChecks, KeepalivedTimings, TrackedScript, VrrpPeer } from "../model/keepalived.js";
import type { PredictedWindow } from "../model/prediction.js";

/** What a fault does to the balancer tier, as far as the timers go. */
export const BALANCER_FAULTS = [
  /** The master's link is pulled: silence, then its link comes back. */
  "link-down",
  /** The master's node dies or freezes: silence. */
  "node-down",
  /** Keepalived on the master is stopped gracefully (a priority-0 advert), then started. */
  "keepalived-stop",
  /** HAProxy on the master is stopped: the tracked script notices; then it is started. */
  "haproxy-stop",
  /** A control plane leaves HAProxy's rotation (drain or maint) on every balancer. */
  "backend-drain",
  /** A control plane's apiserver stops answering. */
  "backend-stop",
] as const;
export type BalancerFault = (typeof BALANCER_FAULTS)[number];

/** Seconds without trailing zeros: "1 s", "3.609 s", "0.1 s". */
const sec = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;
const span = (lo: number, hi: number): string => (lo === hi ? sec(lo) : `${sec(lo)}–${sec(hi)}`);

interface Span {
  lo: number;
  hi: number;
}
const ZERO: Span = { lo: 0, hi: 0 };
const plus = (...spans: Span[]): Span => spans.reduce((a, b) => ({ lo: a.lo + b.lo, hi: a.hi + b.hi }), ZERO);

/** VRRP's skew time for an instance of this priority, ms. */
export function skewMs(version: 2 | 3, advertIntMs: number, priority: number): number {
  return version === 3 ? ((256 - priority) * advertIntMs) / 256 : ((256 - priority) * 1000) / 256;
}

/** The master-down interval of an instance of this priority: down_timer_adverts × advert_int + skew. */
export function masterDownMs(t: KeepalivedTimings, priority: number): number {
  return t.downTimerAdverts * t.advertIntMs + skewMs(t.version, t.advertIntMs, priority);
}

/** Priority after a weight: clamped to 1–254; an address owner (255) ignores weights. */
export function effectivePriority(base: number, delta: number): number {
  return base === 255 ? 255 : Math.min(254, Math.max(1, base + delta));
}

/** A peer's priority while the script passes (a positive weight is added then) and while it fails (a negative one is). */
function priorities(t: KeepalivedTimings, peer: VrrpPeer): { healthy: number; failing: number } {
  const weight = t.script?.weight ?? 0;
  return { healthy: effectivePriority(peer.priority, Math.max(0, weight)), failing: effectivePriority(peer.priority, Math.min(0, weight)) };
}

const scriptTimeoutMs = (s: TrackedScript): number => (s.timeoutMs > 0 ? s.timeoutMs : s.intervalMs);
/** From the moment it starts failing to its fall-th failed run: the first run within an interval, the last within its timeout. */
const scriptFalls = (s: TrackedScript): Span => ({ lo: (s.fall - 1) * s.intervalMs, hi: s.fall * s.intervalMs + scriptTimeoutMs(s) });
const scriptRises = (s: TrackedScript): Span => ({ lo: (s.rise - 1) * s.intervalMs, hi: s.rise * s.intervalMs + scriptTimeoutMs(s) });
/** A server checked every inter, then every fastinter once a check has failed: DOWN at the fall-th failure. */
const serverFalls = (h: HaproxyChecks): Span => ({ lo: (h.fall - 1) * h.fastInterMs, hi: h.interMs + (h.fall - 1) * h.fastInterMs });
/** A DOWN server checked every downinter, then every fastinter: UP at the rise-th success. */
const serverRises = (h: HaproxyChecks): Span => ({ lo: (h.rise - 1) * h.fastInterMs, hi: h.downInterMs + (h.rise - 1) * h.fastInterMs });

/** "<whose> master-down timer N × advert_int A + skew … = D", in words. */
function downTerm(t: KeepalivedTimings, whose: string, priority: number): string {
  const skew = skewMs(t.version, t.advertIntMs, priority);
  const formula = t.version === 3 ? `(256 − ${priority})/256 × advert_int` : `(256 − ${priority})/256 s`;
  return `${whose} master-down timer ${t.downTimerAdverts} × advert_int ${sec(t.advertIntMs)} + skew ${formula} = ${sec(masterDownMs(t, priority))} (VRRPv${t.version}; skew ${sec(skew)})`;
}

/**
 * How long after it starts discarding a lower priority a peer's timer runs: it keeps accepting
 * lower adverts (each one restarting its timer) until preempt_delay has passed since the first.
 * `k` counts those accepted adverts after the first lower one; −1 when the lower one is discarded
 * at once and the timer runs from the advert before it.
 */
function acceptedLowerAdverts(t: KeepalivedTimings, peer: VrrpPeer): number {
  return peer.preemptDelayMs > 0 ? Math.ceil(peer.preemptDelayMs / t.advertIntMs) - 1 : -1;
}

/** Why Keepalived moves nothing for this fault (the master keeps the VIP, or there is nothing to move); null when it fails over. */
export function keepalivedNoFailover(t: KeepalivedTimings, fault: BalancerFault): string | null {
  if (fault !== "haproxy-stop") return null;
  const s = t.script;
  if (!s) return "no vrrp_script is tracked: stopping HAProxy on the master moves nothing, and clients fail until it is started again";
  if (s.weight === 0) return null;
  const master = priorities(t, t.master);
  const backup = priorities(t, t.backup).healthy;
  if (master.failing >= backup) {
    return `${s.name}'s weight ${s.weight} lowers the master's priority from ${master.healthy} to ${master.failing}, not below the backup's ${backup}: the VIP stays on a balancer without HAProxy until it is started again`;
  }
  if (t.backup.nopreempt) return `the backup has nopreempt: it never takes the VIP from the master whose ${s.name} failed, and clients fail until HAProxy is started again`;
  return null;
}

/**
 * The failover window (ms after the fault takes effect) this configuration allows for the fault;
 * null when the timers promise none (see keepalivedNoFailover) or the fault is not derived.
 */
export function keepalivedFailoverWindow(t: KeepalivedTimings, fault: BalancerFault, source: string): PredictedWindow | null {
  const backup = priorities(t, t.backup).healthy;
  const down = masterDownMs(t, backup);
  const skew = skewMs(t.version, t.advertIntMs, backup);
  const garp = "the new master's gratuitous ARPs at once";
  switch (fault) {
    case "link-down":
    case "node-down":
      return windowOf({ lo: down - t.advertIntMs, hi: down }, source, [
        `the backup accepted the master's last advert up to advert_int ${sec(t.advertIntMs)} before the fault`,
        downTerm(t, "then the backup's", backup),
        garp,
      ]);
    case "keepalived-stop":
      return windowOf({ lo: 0, hi: skew }, source, [
        "the stopping Keepalived sends a priority-0 advert (often before the stop command returns)",
        `the backup takes over after its skew (256 − ${backup})/256 s${t.version === 3 ? " × advert_int" : ""} = ${sec(skew)}`,
        garp,
      ]);
    case "haproxy-stop": {
      const s = t.script;
      if (!s || keepalivedNoFailover(t, fault) !== null) return null;
      const falls = scriptFalls(s);
      const assumed = s.checks === "haproxy" ? "" : " (assumed to fail while HAProxy is gone)";
      const fails = `${s.name}${assumed} fails ${s.fall} times in ${span(falls.lo, falls.hi)}: (fall − 1) × interval ${sec(s.intervalMs)}, to fall × interval + timeout ${sec(scriptTimeoutMs(s))}`;
      if (s.weight === 0) {
        return windowOf(plus(falls, { lo: skew, hi: skew }), source, [
          fails,
          "weight 0: the master enters FAULT and sends a priority-0 advert",
          `the backup takes over after its skew = ${sec(skew)}`,
          garp,
        ]);
      }
      const master = priorities(t, t.master);
      const k = acceptedLowerAdverts(t, t.backup);
      return windowOf(plus(falls, { lo: k * t.advertIntMs + down, hi: (k + 1) * t.advertIntMs + down }), source, [
        fails,
        `weight ${s.weight}: the master's priority drops from ${master.healthy} to ${master.failing}, below the backup's ${backup}`,
        t.backup.preemptDelayMs > 0
          ? `the backup accepts its lower adverts for preempt_delay ${sec(t.backup.preemptDelayMs)} (the first within advert_int), then discards them`
          : `the backup discards its lower adverts; its timer runs from the last one at the old priority, up to advert_int ${sec(t.advertIntMs)} before the drop`,
        downTerm(t, "the backup's", backup),
        garp,
      ]);
    }
    case "backend-drain":
      return windowOf(ZERO, source, ["no failover: the drained server takes no new connections, the others take them; 0 failed probes expected"]);
    case "backend-stop": {
      const h = t.haproxy;
      if (!h) return null;
      const falls = serverFalls(h);
      const marked = `HAProxy marks the server DOWN after ${span(falls.lo, falls.hi)} (a check within inter ${sec(h.interMs)}, then fall − 1 = ${h.fall - 1} more every fastinter ${sec(h.fastInterMs)})`;
      // Requests already on the server when it stops are cut all the same (a reset or two): no window of outage, though.
      if (h.redispatch) return windowOf(ZERO, source, [marked, "until then a refused connection to it is retried on another server (retries, option redispatch): no outage expected, only requests already on it are cut"]);
      return windowOf(falls, source, [marked, "until then connections sent to it fail (no option redispatch)"]);
    }
  }
}

/**
 * The window of the VIP's move back to the former master after the restore (ms after the restore
 * takes effect), where it preempts; null where it does not (nopreempt, no higher priority) or
 * where this is not derived (a node brought back, a weight other than 0, faults that move no VIP).
 * `holdMs`: how long the fault held, which decides what had failed by the restore.
 */
export function keepalivedFailbackWindow(t: KeepalivedTimings, fault: BalancerFault, holdMs: number, source: string): PredictedWindow | null {
  const master = priorities(t, t.master).healthy;
  if (t.master.nopreempt || master <= priorities(t, t.backup).healthy) return null;
  const s = t.script;
  if (s && s.weight !== 0) return null;
  const back: { span: Span; terms: string[] } = { span: ZERO, terms: [] };
  const add = (part: Span, term: string): void => {
    back.span = plus(back.span, part);
    back.terms.push(term);
  };
  switch (fault) {
    case "link-down": {
      back.terms.push("the link is up: Keepalived leaves FAULT unless its tracked script still fails");
      if (!s) break;
      // What had failed by the restore: the script fails as soon as the link is gone where it checks
      // through HAProxy (its backends are out of reach), and HAProxy marks them DOWN a little later.
      const through = s.checks === "haproxy";
      const scriptFell = { surely: through && holdMs >= scriptFalls(s).hi, possibly: holdMs > scriptFalls(s).lo };
      const h = t.haproxy;
      const serversFell = h && through ? { surely: holdMs >= serverFalls(h).hi, possibly: holdMs > serverFalls(h).lo } : { surely: false, possibly: Boolean(h) };
      if (!scriptFell.possibly) break;
      if (h && serversFell.possibly) {
        const rises = serverRises(h);
        add(
          { lo: scriptFell.surely && serversFell.surely ? rises.lo : 0, hi: rises.hi },
          `${serversFell.surely ? "HAProxy marked its servers DOWN while the link was out" : "if HAProxy marked its servers DOWN"}: one UP again after ${span(rises.lo, rises.hi)} (a check within downinter ${sec(h.downInterMs)}, then rise − 1 = ${h.rise - 1} more every fastinter ${sec(h.fastInterMs)})`,
        );
      }
      const rises = scriptRises(s);
      add(
        { lo: scriptFell.surely ? rises.lo : 0, hi: rises.hi },
        `${scriptFell.surely ? `${s.name} failed while the link was out` : `if ${s.name} failed`}: it succeeds ${s.rise} times in ${span(rises.lo, rises.hi)} (rise × interval ${sec(s.intervalMs)} + timeout), and the instance leaves FAULT`,
      );
      break;
    }
    case "haproxy-stop": {
      if (!s) return null;
      const rises = scriptRises(s);
      add(rises, `HAProxy starts with its servers UP; ${s.name} succeeds ${s.rise} times in ${span(rises.lo, rises.hi)} and the instance leaves FAULT`);
      break;
    }
    case "keepalived-stop": {
      const first = s ? scriptTimeoutMs(s) : 0;
      add({ lo: 0, hi: first }, s ? `Keepalived starts; its instance waits for ${s.name}'s first run, within ${sec(first)}` : "Keepalived starts");
      break;
    }
    default:
      return null;
  }
  const down = masterDownMs(t, master);
  const preempt = t.master.preemptDelayMs > 0 ? acceptedLowerAdverts(t, t.master) : 0;
  const delay: Span = t.master.preemptDelayMs > 0 ? { lo: preempt * t.advertIntMs, hi: (preempt + 1) * t.advertIntMs } : ZERO;
  if (t.master.preemptDelayMs > 0) {
    add(delay, `preempt_delay ${sec(t.master.preemptDelayMs)}: it accepts the backup's lower adverts that long (the first within advert_int)`);
  }
  add({ lo: down, hi: down }, `${downTerm(t, "back in BACKUP, it discards the backup's lower adverts and preempts when its", master)} runs out`);
  return windowOf(back.span, source, [...back.terms, "then its gratuitous ARPs"]);
}

function windowOf(s: Span, source: string, terms: string[]): PredictedWindow {
  return { fromMs: Math.max(0, s.lo), toMs: Math.max(0, s.hi), terms, source };
}
