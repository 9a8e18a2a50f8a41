/**
 * The settings `vipdrill sweep --set KEY=V1,V2,…` can vary (README "Sweeps"): each with the type of
 * its values, how it is written into keepalived.conf (every vrrp_instance, every vrrp_script) or
 * haproxy.cfg (the apiservers' backend), and which timer of the predicted windows it is.
 */
import { tryParseDuration } from "../common/duration.js";
import { UsageError } from "../common/errors.js";
import type { ConfigDaemon } from "../model/config-under-test.js";
import type { KeepalivedSetup } from "../model/keepalived.js";

type Kind = "seconds" | "centiseconds" | "integer" | "duration" | "version";

interface SweepSetting {
  daemon: ConfigDaemon;
  kind: Kind;
  min: number;
  max: number;
  /** The values as people read them, for the error that lists the keys. */
  help: string;
  /** The timers with this value (ms for durations and seconds, a count otherwise). */
  timings(setup: KeepalivedSetup, value: number): KeepalivedSetup;
}

const common = (setup: KeepalivedSetup, change: Partial<KeepalivedSetup["common"]>): KeepalivedSetup => ({ ...setup, common: { ...setup.common, ...change } });
const script = (setup: KeepalivedSetup, change: Partial<NonNullable<KeepalivedSetup["common"]["script"]>>): KeepalivedSetup =>
  setup.common.script ? common(setup, { script: { ...setup.common.script, ...change } }) : setup;
const checks = (setup: KeepalivedSetup, change: Partial<NonNullable<KeepalivedSetup["common"]["haproxy"]>>): KeepalivedSetup =>
  setup.common.haproxy ? common(setup, { haproxy: { ...setup.common.haproxy, ...change } }) : setup;
const everyPeer = (setup: KeepalivedSetup, change: (p: KeepalivedSetup["peers"][string]) => Partial<KeepalivedSetup["peers"][string]>): KeepalivedSetup => ({
  ...setup,
  peers: Object.fromEntries(Object.entries(setup.peers).map(([id, p]) => [id, { ...p, ...change(p) }])),
});

export const SWEEP_SETTINGS = {
  "keepalived.advert_int": {
    daemon: "keepalived",
    kind: "centiseconds",
    min: 0.01,
    max: 255,
    help: "seconds, 0.01–255; below 1 s or fractional: VRRPv3",
    // A fractional interval is written with vrrp_version 3 (applySetting); the version follows.
    timings: (s, v) => common(s, { advertIntMs: Math.round(v * 1000), ...(Number.isInteger(v) ? {} : { version: 3 as const }) }),
  },
  "keepalived.vrrp_version": { daemon: "keepalived", kind: "version", min: 2, max: 3, help: "2 or 3", timings: (s, v) => common(s, { version: v === 3 ? 3 : 2 }) },
  "keepalived.preempt_delay": { daemon: "keepalived", kind: "seconds", min: 0, max: 1000, help: "seconds, 0–1000", timings: (s, v) => everyPeer(s, () => ({ preemptDelayMs: v * 1000 })) },
  "keepalived.vrrp_script.interval": { daemon: "keepalived", kind: "integer", min: 1, max: 3600, help: "whole seconds, 1–3600", timings: (s, v) => script(s, { intervalMs: v * 1000 }) },
  "keepalived.vrrp_script.timeout": { daemon: "keepalived", kind: "integer", min: 0, max: 3600, help: "whole seconds, 0–3600", timings: (s, v) => script(s, { timeoutMs: v * 1000 }) },
  "keepalived.vrrp_script.fall": { daemon: "keepalived", kind: "integer", min: 1, max: 1000, help: "a count, 1–1000", timings: (s, v) => script(s, { fall: v }) },
  "keepalived.vrrp_script.rise": { daemon: "keepalived", kind: "integer", min: 1, max: 1000, help: "a count, 1–1000", timings: (s, v) => script(s, { rise: v }) },
  "keepalived.vrrp_script.weight": { daemon: "keepalived", kind: "integer", min: -253, max: 253, help: "−253–253; 0: FAULT when it fails", timings: (s, v) => script(s, { weight: v }) },
  "haproxy.inter": { daemon: "haproxy", kind: "duration", min: 1, max: 3_600_000, help: "a duration such as 500ms or 2s", timings: (s, v) => checks(s, { interMs: v }) },
  "haproxy.fastinter": { daemon: "haproxy", kind: "duration", min: 1, max: 3_600_000, help: "a duration such as 500ms or 2s", timings: (s, v) => checks(s, { fastInterMs: v }) },
  "haproxy.downinter": { daemon: "haproxy", kind: "duration", min: 1, max: 3_600_000, help: "a duration such as 500ms or 2s", timings: (s, v) => checks(s, { downInterMs: v }) },
  "haproxy.fall": { daemon: "haproxy", kind: "integer", min: 1, max: 1000, help: "a count, 1–1000", timings: (s, v) => checks(s, { fall: v }) },
  "haproxy.rise": { daemon: "haproxy", kind: "integer", min: 1, max: 1000, help: "a count, 1–1000", timings: (s, v) => checks(s, { rise: v }) },
} as const satisfies Record<string, SweepSetting>;

export type SweepKey = keyof typeof SWEEP_SETTINGS;
export const SWEEP_KEYS = Object.keys(SWEEP_SETTINGS) as SweepKey[];

/** One value as typed ("0.5", "500ms") and as a number (seconds, ms for durations, a count). */
export interface SweepValue {
  text: string;
  value: number;
}

export interface SweepAxis {
  key: SweepKey;
  values: SweepValue[];
}

/** A combination: one value of each axis. */
export type SweepCombination = Array<{ key: SweepKey; value: SweepValue }>;

const knownKeys = (): string => SWEEP_KEYS.map((k) => `${k} (${SWEEP_SETTINGS[k].help})`).join(", ");

function parseValue(key: SweepKey, text: string): SweepValue | undefined {
  const setting: SweepSetting = SWEEP_SETTINGS[key];
  const value = setting.kind === "duration" ? (/^\d+$/.test(text) ? Number(text) : tryParseDuration(text)) : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
  if (value === undefined || value < setting.min || value > setting.max) return undefined;
  if ((setting.kind === "integer" || setting.kind === "seconds" || setting.kind === "version") && !Number.isInteger(value)) return undefined;
  // Keepalived reads advert_int to the centisecond (TIMER_HZ / 100).
  if (setting.kind === "centiseconds" && Math.abs(value * 100 - Math.round(value * 100)) > 1e-9) return undefined;
  return { text, value };
}

/** `--set KEY=V1,V2` flags → axes; an unknown key or a value of the wrong type is one line naming the keys there are. */
export function parseSweepSets(sets: readonly string[]): SweepAxis[] {
  if (sets.length === 0) throw new UsageError("VIPDRILL_SWEEP_INVALID", `sweep: expected at least one --set KEY=V1,V2,… (keys: ${knownKeys()})`);
  const axes: SweepAxis[] = [];
  for (const set of sets) {
    const eq = set.indexOf("=");
    const key = (eq < 0 ? set : set.slice(0, eq)).trim();
    if (!(SWEEP_KEYS as string[]).includes(key)) {
      throw new UsageError("VIPDRILL_SWEEP_INVALID", `--set ${set}: expected a setting vipdrill knows, got ${JSON.stringify(key)} (keys: ${knownKeys()})`);
    }
    const sweepKey = key as SweepKey;
    if (axes.some((a) => a.key === sweepKey)) throw new UsageError("VIPDRILL_SWEEP_INVALID", `--set ${set}: ${key} is already set by another --set: give all its values in one, comma-separated`);
    const texts = eq < 0 ? [] : set.slice(eq + 1).split(",").map((t) => t.trim());
    if (texts.length === 0 || texts.some((t) => t === "")) throw new UsageError("VIPDRILL_SWEEP_INVALID", `--set ${set}: expected ${key}=V1,V2,… with values ${SWEEP_SETTINGS[sweepKey].help}`);
    const values = texts.map((text) => {
      const value = parseValue(sweepKey, text);
      if (value === undefined) throw new UsageError("VIPDRILL_SWEEP_INVALID", `--set ${set}: ${key}: expected ${SWEEP_SETTINGS[sweepKey].help}, got ${JSON.stringify(text)} (keys: ${knownKeys()})`);
      return value;
    });
    axes.push({ key: sweepKey, values });
  }
  return axes;
}

/** Every combination of the axes, the first axis varying slowest. */
export function combinationsOf(axes: readonly SweepAxis[]): SweepCombination[] {
  return axes.reduce<SweepCombination[]>((combos, axis) => combos.flatMap((c) => axis.values.map((value) => [...c, { key: axis.key, value }])), [[]]);
}

/** "keepalived.advert_int=0.5, haproxy.fall=2" */
export const combinationText = (c: SweepCombination): string => c.map((s) => `${s.key}=${s.value.text}`).join(", ");

/** A folder name for a combination: "advert_int-0.5_fall-2". */
export const combinationSlug = (c: SweepCombination): string => c.map((s) => `${s.key.split(".").at(-1)}-${s.value.text}`.replace(/[^A-Za-z0-9._-]+/g, "-")).join("_");

/**
 * Settings that contradict each other in one combination: a fractional advert_int with VRRPv2,
 * which rounds it to whole seconds (systems-under-test §2.1).
 */
export function combinationProblem(c: SweepCombination): string | undefined {
  const advert = c.find((s) => s.key === "keepalived.advert_int");
  const version = c.find((s) => s.key === "keepalived.vrrp_version");
  if (advert && version && version.value.value === 2 && !Number.isInteger(advert.value.value)) {
    return `keepalived.advert_int=${advert.value.text} with keepalived.vrrp_version=2: expected whole seconds for VRRPv2, which rounds ${advert.value.text} to ${Math.max(1, Math.round(advert.value.value))} s (VRRPv3 takes centiseconds)`;
  }
  return undefined;
}

/** The predicted windows' timers with the combination's values. */
export function timingsWith(setup: KeepalivedSetup, c: SweepCombination): KeepalivedSetup {
  const applied = c.reduce((s, { key, value }) => (SWEEP_SETTINGS[key] as SweepSetting).timings(s, value.value), setup);
  return { ...applied, source: `${setup.source}, with ${combinationText(c)}` };
}
