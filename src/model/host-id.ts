/**
 * Host ids, as inventories and the lab name hosts and scenarios select them: lower-case hostname
 * characters, and not a selector keyword's near miss ("vip-ownr", "roles:control-plane"), which
 * would otherwise be taken for a host that does not exist.
 */

/** The rule as a regular expression body, without anchors, for composing patterns (JSON Schema `pattern`). */
export const HOST_ID_PATTERN = "(?!vip-|role)[a-z0-9][a-z0-9._-]*";

/** The rule in words, after "expected". */
export const HOST_ID_HELP = 'a host id such as cp-1 (lower-case letters, digits, ".", "_" and "-", not starting with "vip-" or "role")';

/** A whole host id. */
export const HOST_ID = new RegExp(`^${HOST_ID_PATTERN}$`);
