/**
 * TTLs as etcd leases, shared between writes (kube-apiserver's lease manager): a lease is
 * granted for `ttl + reuse` seconds, where `reuse` is 5 % of the TTL capped at 60 s, and every
 * write with the same TTL in the next `reuse` seconds attaches to it. A key therefore
 * expires between `ttl` and `ttl + reuse` seconds after its write, never earlier, and an
 * Event-heavy cluster holds a handful of leases instead of one per object.
 *
 * It must not keep leases alive (no keep-alive streams): a lease exists to expire.
 */

export interface LeaseOptions {
  /** Longest reuse window, in seconds (default 60). */
  maxReuseSeconds?: number;
  /** Reuse window as a fraction of the TTL (default 0.05). */
  reuseFraction?: number;
  /** Most writes attached to one lease before a new one is granted (default 1000). */
  maxAttached?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** Grants a lease of `ttlSeconds` and returns its ID. */
export type GrantLease = (ttlSeconds: number) => Promise<string>;

interface Cached {
  id: string;
  /** When the lease expires at the earliest, by our clock (measured from before the grant). */
  expiresAt: number;
  attached: number;
}

export class LeaseManager {
  private readonly cached = new Map<number, Cached>();
  private readonly granting = new Map<number, Promise<Cached>>();
  private readonly maxReuse: number;
  private readonly fraction: number;
  private readonly maxAttached: number;
  private readonly now: () => number;

  constructor(
    private readonly grant: GrantLease,
    opts: LeaseOptions = {},
  ) {
    this.maxReuse = opts.maxReuseSeconds ?? 60;
    this.fraction = opts.reuseFraction ?? 0.05;
    this.maxAttached = opts.maxAttached ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** A lease under which a key written now lives at least `ttlSeconds`. */
  async lease(ttlSeconds: number): Promise<string> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    for (;;) {
      const c = this.cached.get(ttl);
      if (c && this.usable(c, ttl)) {
        c.attached++;
        return c.id;
      }
      const inFlight = this.granting.get(ttl);
      if (!inFlight) break;
      await inFlight.catch(() => undefined);
      if (!this.granting.has(ttl) && !this.cached.has(ttl)) break;
    }
    return (await this.grantFor(ttl)).id;
  }

  /** Forgets a lease etcd no longer knows (revoked, or expired earlier than expected). */
  invalidate(id: string): void {
    for (const [ttl, c] of this.cached) if (c.id === id) this.cached.delete(ttl);
  }

  /** The reuse window for a TTL, in seconds (0 for short TTLs: one lease per write). */
  reuseSeconds(ttl: number): number {
    return Math.min(this.maxReuse, Math.floor(ttl * this.fraction));
  }

  private usable(c: Cached, ttl: number): boolean {
    return c.attached < this.maxAttached && this.now() + ttl * 1000 < c.expiresAt;
  }

  private grantFor(ttl: number): Promise<Cached> {
    const started = this.now();
    const total = ttl + this.reuseSeconds(ttl);
    const p = this.grant(total).then((id) => {
      const c: Cached = { id, expiresAt: started + total * 1000, attached: 1 };
      this.prune();
      this.cached.set(ttl, c);
      return c;
    });
    this.granting.set(ttl, p);
    const done = () => {
      if (this.granting.get(ttl) === p) this.granting.delete(ttl);
    };
    p.then(done, done);
    return p;
  }

  /** Drops leases whose reuse window has passed, so that TTLs used once do not pile up. */
  private prune(): void {
    if (this.cached.size < 32) return;
    const now = this.now();
    for (const [ttl, c] of this.cached) if (now + ttl * 1000 >= c.expiresAt) this.cached.delete(ttl);
  }
}
