/**
 * Addresses of simulated nodes and their pods. They are labels only: nothing is routed to
 * them and no interface carries them. Node i gets the InternalIP 10.244.x.y (i < 65024)
 * and, unless its Node already names one, the pod range 10.(64 + i/256).(i%256).0/24
 * (i < 16384), from which its pods' IPs are handed out. Pure.
 */

export const MAX_SIMULATED_NODES = 16_384;

export function nodeInternalIP(index: number): string {
  return `10.244.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

export function nodePodCIDR(index: number): string {
  return `10.${64 + Math.floor(index / 256)}.${index % 256}.0/24`;
}

function ipToInt(ip: string): number | undefined {
  const p = ip.split('.');
  if (p.length !== 4) return undefined;
  let n = 0;
  for (const s of p) {
    if (!/^\d{1,3}$/.test(s) || Number(s) > 255) return undefined;
    n = n * 256 + Number(s);
  }
  return n;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The pod IPs of one node's range: the first and last addresses (network, broadcast) and
 * the first host address (the node's own end of the bridge, by convention) are never given.
 */
export class IpPool {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 2;

  constructor(readonly cidr: string) {
    const [addr, bits] = cidr.split('/');
    const a = ipToInt(addr ?? '');
    const b = Number(bits);
    if (a === undefined || !Number.isInteger(b) || b < 8 || b > 30) throw new Error(`bad pod CIDR "${cidr}"`);
    this.size = 2 ** (32 - b);
    this.base = a - (a % this.size);
  }

  /** A free address, or undefined when the range is full. */
  allocate(): string | undefined {
    const usable = this.size - 3;
    for (let i = 0; i < usable; i++) {
      const off = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(off)) {
        this.used.add(off);
        return intToIp(this.base + off);
      }
    }
    return undefined;
  }

  /** Marks `ip` taken (an address found on an existing pod); false if outside the range or taken. */
  reserve(ip: string): boolean {
    const n = ipToInt(ip);
    if (n === undefined) return false;
    const off = n - this.base;
    if (off < 2 || off >= this.size - 1 || this.used.has(off)) return false;
    this.used.add(off);
    return true;
  }

  release(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.used.delete(n - this.base);
  }

  get inUse(): number {
    return this.used.size;
  }
}
