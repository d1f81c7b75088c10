/**
 * IPv4 range arithmetic for the node IPAM controller: the per-node subnets of a cluster
 * range, in order. Pure.
 */

export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR address: ${cidr}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`invalid CIDR address: ${cidr}`);
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), bits };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The first address of `cluster` and how many subnets of size /`maskBits` it holds. */
function split(cluster: string, maskBits: number): { base: number; count: number } {
  const c = parseCidr(cluster);
  if (maskBits < c.bits)
    throw new Error(`node mask /${maskBits} is larger than the cluster range ${cluster}`);
  return { base: c.base, count: 2 ** (maskBits - c.bits) };
}

/** How many subnets of size /`maskBits` `cluster` holds. */
export function subnetCount(cluster: string, maskBits: number): number {
  return split(cluster, maskBits).count;
}

/** The `index`-th subnet of size /`maskBits` inside `cluster`, or undefined past the end. */
export function subnetAt(cluster: string, maskBits: number, index: number): string | undefined {
  const { base, count } = split(cluster, maskBits);
  if (index < 0 || index >= count) return undefined;
  return `${formatIp(base + index * 2 ** (32 - maskBits))}/${maskBits}`;
}

/** The index of `subnet` in `cluster` at `maskBits`, or undefined when it is not one of them. */
export function indexOf(cluster: string, maskBits: number, subnet: string): number | undefined {
  let s: { base: number; bits: number };
  try {
    s = parseCidr(subnet);
  } catch {
    return undefined;
  }
  const c = parseCidr(cluster);
  if (s.bits !== maskBits) return undefined;
  const off = s.base - c.base;
  if (off < 0 || off >= 2 ** (32 - c.bits)) return undefined;
  return off / 2 ** (32 - maskBits);
}
