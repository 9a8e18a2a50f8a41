/**
 * A Keepalived/HAProxy configuration put on the lab's balancers in place of the lab's templates
 * (README "Drilling a proposed configuration"): which files, what of them was mapped onto the lab
 * and how, what could not be. Named in every report of a drill on it. No secret is ever in it.
 */
export const CONFIG_DAEMONS = ["keepalived", "haproxy"] as const;
export type ConfigDaemon = (typeof CONFIG_DAEMONS)[number];

/** One production item and what the lab put in its place. */
export interface ConfigMappingRow {
  daemon: ConfigDaemon;
  /** The file and line the item is written on (the file as given). */
  file: string;
  line: number;
  /** The keyword ("virtual_ipaddress", "server", "stats socket"). */
  item: string;
  /** As the file writes it, secrets redacted. */
  production: string;
  /** What the lab runs instead; "kept" rows give the value unchanged. */
  lab: string;
}

export interface ConfigUnderTest {
  /** "proposed": the change; "baseline": today's configuration; "lab": the lab's templates (a sweep on them). */
  role: "proposed" | "baseline" | "lab";
  /** The files as given, each with its SHA-256 (of the bytes read, includes not counted). */
  files: Array<{ daemon: ConfigDaemon; path: string; sha256: string }>;
  /** production → lab, item by item. */
  mapping: ConfigMappingRow[];
  /** What cannot be mapped onto the lab, and what was done instead: one sentence each, with file:line. */
  unmapped: string[];
  /** How the lab was sized from the files ("3 backend servers → 3 control planes"). */
  sizing: string[];
  /** What the daemons said of the lab's rendering when they accepted it (warnings), file:line each. */
  checks: string[];
  /** Settings a sweep set on top (`keepalived.advert_int=0.5`), with what they imply. */
  overrides: string[];
}
