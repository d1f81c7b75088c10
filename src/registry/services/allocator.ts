/**
 * Service address allocation for the API server: which ClusterIPs and NodePorts are in use,
 * and the `begin` hook of Service writes that fills and reserves a Service's addresses.
 *
 * What is in use is derived, never stored separately: the Services in the registry's watch
 * cache hold their addresses (an index kept from the cache's events, so a delete frees them
 * and a restart starts from exactly what storage holds), plus the reservations of writes in
 * flight. A write's reservation is released when it fails, or, once it succeeded, as soon
 * as the index has seen the write's revision, so a value is never free in between. Before
 * allocating, the index catches up with storage's current revision, so a value freed by a
 * delete that already returned can be taken again at once. Check-and-reserve is
 * synchronous, so concurrent writes in this process never get the same value.
 * (Several API servers over one etcd do not coordinate through this index.)
 */
import { Errors } from '../../apiserver/errors.js';
import type { Store } from '../../storage/types.js';
import { sleep } from '../../util/sleep.js';
import type { CacheSet } from '../cache/cache-set.js';
import type { CacheEvent, CacheWatcher, ResourceCache } from '../cache/resource-cache.js';
import type { KObject } from '../types.js';
import { assignAddresses, familyErrors, invalidService } from './assign.js';
import type { ServiceRanges } from './config.js';
import { holdingsOf } from './fields.js';
import { Pool, Reservation } from './pool.js';
import { validateAddressFields } from './validation.js';

/** How long a write waits for the index to catch up with storage. */
const CATCH_UP_MS = 5000;

/** Called once per write attempt: with the revision written, or undefined when nothing was written. */
export type FinishWrite = (revision: number | undefined) => void;

export interface ServiceAllocatorOptions {
  store: Store;
  caches: CacheSet;
  /** The watch cache of Services. */
  cache: ResourceCache;
  ranges: ServiceRanges;
  log: (msg: string) => void;
  /** Randomness for dynamic picks (tests make it deterministic). */
  random?: () => number;
}

export class ServiceAllocator {
  readonly ranges: ServiceRanges;
  readonly ips: Pool;
  readonly ports: Pool;
  private watcher: CacheWatcher | undefined;
  /** Every Service change up to this revision is in the index. */
  private indexed = 0;
  private waiters: { rev: number; done: (ok: boolean) => void }[] = [];
  /** Reservations of successful writes, kept until the index has seen their revision. */
  private committed: { rev: number; reservation: Reservation }[] = [];
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: ServiceAllocatorOptions) {
    this.ranges = opts.ranges;
    this.ips = new Pool(opts.ranges.ips.size, opts.ranges.ips.staticSize, opts.random);
    this.ports = new Pool(opts.ranges.ports.size, opts.ranges.ports.staticSize, opts.random);
  }

  /** Builds the index from the (already synced) watch cache and follows it until `signal` aborts. */
  start(signal: AbortSignal): void {
    const first = this.subscribe(signal);
    this.loop = this.follow(first, signal);
  }

  async close(): Promise<void> {
    await this.loop;
  }

  /**
   * The write hook of Services (main resource only): checks the address fields, fills the
   * ones the server allocates and reserves them. Returns the finish function, or undefined
   * when nothing was reserved.
   */
  async begin(obj: KObject, old: KObject | undefined, subresource: string): Promise<FinishWrite | undefined> {
    if (subresource !== '') return undefined;
    const errors = [...validateAddressFields(obj), ...familyErrors(obj)];
    if (errors.length > 0) throw invalidService(obj, errors);
    await this.catchUp();
    const reservation = new Reservation();
    try {
      assignAddresses(obj, old, { ranges: this.ranges, ips: this.ips, ports: this.ports, reservation });
    } catch (err) {
      reservation.release();
      throw err;
    }
    if (reservation.empty) return undefined;
    return (revision) => this.finish(reservation, revision);
  }

  private finish(reservation: Reservation, revision: number | undefined): void {
    if (revision === undefined || revision <= this.indexed) reservation.release();
    else this.committed.push({ rev: revision, reservation });
  }

  /** Waits until the index reflects everything storage held when called. */
  private async catchUp(): Promise<void> {
    if (!this.watcher) throw Errors.unavailable('service address allocation is not started');
    const want = await this.opts.store.currentRevision();
    if (this.indexed >= want) return;
    if (!(await this.opts.caches.waitFor(want, CATCH_UP_MS))) throw this.tooSlow();
    if (this.indexed >= want) return;
    // A bookmark queued behind every change the cache has delivered: once the index has
    // taken it, every Service change up to `want` is in.
    this.opts.cache.bookmark(this.watcher, this.opts.caches.revision);
    if (!(await this.waitIndexed(want))) throw this.tooSlow();
  }

  private tooSlow() {
    return Errors.timeout('the Service address index did not catch up with storage in time; try again');
  }

  private waitIndexed(rev: number): Promise<boolean> {
    if (this.indexed >= rev) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        rev,
        done: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        resolve(false);
      }, CATCH_UP_MS);
      timer.unref();
      this.waiters.push(entry);
    });
  }

  /** Rebuilds the index from the cache's current objects and watches from that revision. */
  private subscribe(signal: AbortSignal): CacheWatcher {
    this.ips.clearHolders();
    this.ports.clearHolders();
    for (const obj of this.opts.cache.objects.values()) this.hold(obj, true);
    const rev = this.opts.caches.revision;
    this.watcher = this.opts.cache.watch(this.opts.cache.prefix, rev, rev, signal, {});
    this.advance(rev);
    return this.watcher;
  }

  private async follow(first: CacheWatcher, signal: AbortSignal): Promise<void> {
    let watcher: CacheWatcher | undefined = first;
    let failures = 0;
    while (!signal.aborted) {
      try {
        watcher ??= this.subscribe(signal);
        for await (const ev of watcher) {
          this.apply(ev);
          failures = 0;
        }
      } catch (err) {
        // The cache was relisted (or this reader fell behind): rebuild from it.
        if (!signal.aborted)
          this.opts.log(`service allocation: rebuilding the index (${(err as Error).message})`);
      }
      watcher = undefined;
      if (signal.aborted) break;
      if (failures++ > 0) await sleep(Math.min(100 * 2 ** failures, 5000), signal);
    }
    for (const w of this.waiters.splice(0)) w.done(false);
  }

  private apply(ev: CacheEvent): void {
    if (ev.type === 'ADDED') this.hold(ev.object, true);
    else if (ev.type === 'MODIFIED') {
      if (ev.prev) this.hold(ev.prev, false);
      this.hold(ev.object, true);
    } else if (ev.type === 'DELETED') this.hold(ev.prev ?? ev.object, false);
    this.advance(ev.revision);
  }

  /** Adds (or removes) what a stored Service holds; values outside the ranges are ignored. */
  private hold(svc: KObject, on: boolean): void {
    const { ips, ports } = holdingsOf(svc);
    for (const ip of ips) {
      const off = this.ranges.ips.offsetOf(ip);
      if (off === undefined) continue;
      if (on) this.ips.hold(off);
      else this.ips.unhold(off);
    }
    for (const port of ports) {
      const off = this.ranges.ports.offsetOf(port);
      if (off === undefined) continue;
      if (on) this.ports.hold(off);
      else this.ports.unhold(off);
    }
  }

  private advance(rev: number): void {
    if (rev > this.indexed) this.indexed = rev;
    if (this.committed.length > 0) {
      const still: typeof this.committed = [];
      for (const c of this.committed) {
        if (c.rev <= this.indexed) c.reservation.release();
        else still.push(c);
      }
      this.committed = still;
    }
    if (this.waiters.length > 0) {
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (w.rev <= this.indexed) w.done(true);
        else still.push(w);
      }
      this.waiters = still;
    }
  }
}
