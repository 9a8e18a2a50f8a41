import { lookup } from "node:dns/promises";
import { errorMessage } from "../../common/errors.js";
import { canonicalIp, sameIp, type CheckDefinition, type Resolver } from "./context.js";

/** Resolver errors that mean "this name does not exist here", not "the resolver failed". */
const NOT_FOUND = new Set(["ENOTFOUND", "EAI_NONAME", "ENODATA", "NXDOMAIN", "EAI_NODATA"]);

/** The system resolver (getaddrinfo: /etc/hosts, then DNS as the host is configured), both families. */
export const systemResolver: Resolver = async (name) => (await lookup(name, { all: true, verbatim: true })).map((a) => a.address);

/** The runbook: a DNS record for the API endpoint pointing at the VIP. */
export const dnsCheck: CheckDefinition = {
  id: "dns",
  title: "the endpoint's DNS name resolves to the VIP",
  async run(context) {
    const { dns, vip } = context.topology.endpoint;
    if (sameIp(dns, vip)) return { status: "skip", seen: `the endpoint is the VIP ${vip} itself, no DNS name to resolve` };
    let addresses: string[];
    try {
      addresses = await context.on("the resolver", context.resolver(dns));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && NOT_FOUND.has(code)) {
        return {
          status: "skip",
          seen: `${dns} is not resolvable from here (${code}); the probes connect to the VIP ${vip} and send the name as SNI`,
        };
      }
      return { status: "fail", seen: `looking up ${dns} failed: ${errorMessage(error)}` };
    }
    const unique = [...new Map(addresses.map((a) => [canonicalIp(a), a])).values()];
    if (unique.length === 0) return { status: "fail", seen: `${dns} resolves to no address (the VIP is ${vip})` };
    const others = unique.filter((a) => !sameIp(a, vip));
    if (others.length === 0) return { status: "pass", seen: `${dns} → ${vip}` };
    const seen = others.length < unique.length ? `besides the VIP, also ${others.join(", ")}` : `not the VIP ${vip}`;
    return { status: "fail", seen: `${dns} → ${unique.join(", ")}: ${seen}` };
  },
};
