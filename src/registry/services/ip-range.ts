/**
 * The Service ClusterIP range (`--service-cidr`): which addresses of an IPv4 CIDR may be
 * handed out, and where the lower "static" band ends that dynamic allocation avoids
 * (Kubernetes' ServiceIPStaticSubrange: min(max(16, size/16), 256) addresses), so that
 * well-known addresses such as .1 (`kubernetes`) and .10 (cluster DNS) stay free for
 * explicit use. The network and broadcast addresses are never part of the range.
 * Pure: no I/O. IPv4 only; an IPv6 range is refused with a clear error.
 */

/** A dotted quad as a number, or undefined. Leading zeros are read as decimal, as upstream's sloppy parser does. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Smallest prefix accepted: upstream refuses ranges of more than 2^20 addresses. */
const MIN_PREFIX = 12;

export class IPRange {
  /** The canonical CIDR text (`10.43.0.0/16`), as error messages show it. */
  readonly cidr: string;
  /** The address of offset 0: the one after the network address. */
  private readonly base: number;
  /** How many addresses can be handed out. */
  readonly size: number;
  /** Offsets below this are the static band, used for dynamic allocation only when the rest is full. */
  readonly staticSize: number;

  private constructor(network: number, prefix: number) {
    const total = 2 ** (32 - prefix);
    this.cidr = `${formatIPv4(network)}/${prefix}`;
    this.base = network + 1;
    this.size = Math.max(0, total - 2);
    this.staticSize = total <= 16 ? 0 : Math.min(Math.max(16, Math.floor(total / 16)), 256);
  }

  /** Parses `a.b.c.d/n`; the host bits are cleared. Throws an Error saying what is wrong. */
  static parse(text: string): IPRange {
    const slash = text.indexOf('/');
    const addr = slash < 0 ? '' : text.slice(0, slash);
    const bits = slash < 0 ? '' : text.slice(slash + 1);
    const ip = parseIPv4(addr);
    if (ip === undefined || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) {
      if (addr.includes(':')) throw new Error(`service CIDR ${text} is IPv6; only IPv4 ranges are supported`);
      throw new Error(`invalid service CIDR ${JSON.stringify(text)}: want an IPv4 CIDR such as 10.43.0.0/16`);
    }
    const prefix = Number(bits);
    if (prefix < MIN_PREFIX) {
      throw new Error(
        `service CIDR ${text} is too large; for 32-bit addresses, the mask must be >= ${MIN_PREFIX}`,
      );
    }
    if (prefix > 30) throw new Error(`service CIDR ${text} is too small; it must hold at least 2 addresses`);
    const size = 2 ** (32 - prefix);
    return new IPRange(ip - (ip % size), prefix);
  }

  /** The offset of `ip` in the range, or undefined when it is not an address the range hands out. */
  offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const off = n - this.base;
    return off >= 0 && off < this.size ? off : undefined;
  }

  ipAt(offset: number): string {
    return formatIPv4(this.base + offset);
  }

  /** The first address of the range: the `kubernetes` Service's ClusterIP. */
  get first(): string {
    return this.ipAt(0);
  }
}
