import type { ConfigUnderTest } from "../../model/config-under-test.js";
import type { LabPlan } from "./lab-plan.js";

/**
 * The templates under VRRPv3 (a fractional lab.advertInt): named in the report, since VRRPv3 has no
 * authentication and Keepalived ignores the template's (systems-under-test §2.1).
 */
export function labVrrpVersionNote(plan: LabPlan): ConfigUnderTest | undefined {
  if (plan.vrrp.version !== 3) return undefined;
  return {
    role: "lab",
    files: [],
    mapping: [],
    unmapped: [],
    sizing: [],
    checks: [],
    overrides: [
      `lab.advertInt ${plan.vrrp.advertIntS}: vrrp_version 3 in the template (VRRPv2 rounds a fractional advert_int to whole seconds); VRRPv3 carries no authentication (RFC 5798): Keepalived ignores the template's auth_pass`,
    ],
  };
}
