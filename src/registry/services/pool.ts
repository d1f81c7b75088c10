/**
 * The allocation state of one range (ClusterIPs or NodePorts), as offsets 0..size-1.
 * An offset is taken while stored Services hold it (`hold`, counted, so two holders of one
 * value stay consistent) or while a write in flight reserves it (`reserve`, also counted).
 * `reserveNext` picks a random free offset, first above the static band, then inside it,
 * like upstream's random-scan-with-offset strategy. Pure and synchronous: callers make
 * each check-and-reserve atomic simply by not awaiting in between.
 */

export class Pool {
  private readonly bits: Uint32Array;
  private readonly holders = new Map<number, number>();
  private readonly reserved = new Map<number, number>();
  private taken = 0;

  constructor(
    readonly size: number,
    readonly staticSize: number,
    private readonly random: () => number = Math.random,
  ) {
    this.bits = new Uint32Array(Math.ceil(size / 32));
  }

  /** How many offsets are free. */
  get free(): number {
    return this.size - this.taken;
  }

  has(offset: number): boolean {
    return ((this.bits[offset >>> 5] ?? 0) >>> (offset & 31)) % 2 === 1;
  }

  /** A stored Service holds `offset` (out-of-range offsets are the caller's to filter). */
  hold(offset: number): void {
    this.holders.set(offset, (this.holders.get(offset) ?? 0) + 1);
    this.refresh(offset);
  }

  unhold(offset: number): void {
    dec(this.holders, offset);
    this.refresh(offset);
  }

  /** Forgets every holder (before a rebuild); reservations stay. */
  clearHolders(): void {
    const offsets = [...this.holders.keys()];
    this.holders.clear();
    for (const o of offsets) this.refresh(o);
  }

  /** Reserves `offset` if it is free; false when it is taken. */
  reserve(offset: number): boolean {
    if (this.has(offset)) return false;
    this.reserved.set(offset, (this.reserved.get(offset) ?? 0) + 1);
    this.refresh(offset);
    return true;
  }

  /** Reserves a free offset, preferring the part above the static band; undefined when full. */
  reserveNext(): number | undefined {
    if (this.taken >= this.size) return undefined;
    const found =
      this.scan(this.staticSize, this.size - this.staticSize) ??
      this.scan(0, Math.min(this.staticSize, this.size));
    if (found !== undefined) this.reserve(found);
    return found;
  }

  release(offset: number): void {
    dec(this.reserved, offset);
    this.refresh(offset);
  }

  /** A free offset in [from, from+count), starting the search at a random place. */
  private scan(from: number, count: number): number | undefined {
    if (count <= 0) return undefined;
    const start = Math.floor(this.random() * count) % count;
    for (let i = 0; i < count; i++) {
      const at = from + ((start + i) % count);
      if (!this.has(at)) return at;
    }
    return undefined;
  }

  private refresh(offset: number): void {
    const on = this.holders.has(offset) || this.reserved.has(offset);
    if (on === this.has(offset)) return;
    const w = offset >>> 5;
    const mask = 1 << (offset & 31);
    this.bits[w] = on ? (this.bits[w] ?? 0) | mask : (this.bits[w] ?? 0) & ~mask;
    this.taken += on ? 1 : -1;
  }
}

function dec(m: Map<number, number>, k: number): void {
  const n = m.get(k);
  if (n === undefined) return;
  if (n <= 1) m.delete(k);
  else m.set(k, n - 1);
}

/**
 * The reservations of one write: everything it took from its pools, released together
 * when the write fails or once the stored object holds them.
 */
export class Reservation {
  private readonly taken: { pool: Pool; offset: number }[] = [];

  get empty(): boolean {
    return this.taken.length === 0;
  }

  /** Reserves `offset` in `pool`; false when it is taken. */
  claim(pool: Pool, offset: number): boolean {
    if (!pool.reserve(offset)) return false;
    this.taken.push({ pool, offset });
    return true;
  }

  /** Reserves a free offset of `pool`; undefined when the pool is full. */
  claimNext(pool: Pool): number | undefined {
    const offset = pool.reserveNext();
    if (offset !== undefined) this.taken.push({ pool, offset });
    return offset;
  }

  release(): void {
    for (const { pool, offset } of this.taken.splice(0)) pool.release(offset);
  }
}
