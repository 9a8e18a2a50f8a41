/** Minimal IPv4 / CIDR arithmetic for lab planning and validation. */
export function ipToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function intToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

export interface Cidr {
  network: number;
  prefix: number;
  size: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip, prefixText, extra] = text.split("/");
  if (ip === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const address = ipToInt(ip);
  const prefix = Number(prefixText);
  if (address === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  return { network, prefix, size };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const value = ipToInt(ip);
  return value !== undefined && value >= cidr.network && value < cidr.network + cidr.size;
}

/** Whether two CIDRs share an address (for CIDRs, one then contains the other). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

export function formatCidr(cidr: Cidr): string {
  return `${intToIp(cidr.network)}/${cidr.prefix}`;
}

/** The lower half of a subnet: the range Docker may hand out; the upper half is ours (VIP). */
export function dockerRangeOf(subnet: Cidr): Cidr {
  return { network: subnet.network, prefix: subnet.prefix + 1, size: subnet.size / 2 };
}
