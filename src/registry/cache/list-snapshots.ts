/**
 * Snapshots of a resource's objects kept for paginated lists: the first page of a list
 * takes one (an array of references, no copies) and the continue tokens it hands out name
 * its revision, so the following pages are cut from the same snapshot and the whole list
 * is consistent at that revision, as when it is read from storage. A few snapshots are
 * kept per resource, each for a bounded time; a page whose snapshot is gone is read from
 * storage at the token's revision instead. Pure apart from the injected clock.
 */
import type { ListSnapshot } from './resource-cache.js';

export interface ListSnapshotsOptions {
  /** Snapshots kept at once (the oldest goes first). */
  max?: number;
  /** How long a snapshot is kept after it was taken, in milliseconds. */
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  snap: ListSnapshot;
  takenAt: number;
}

export class ListSnapshots {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: ListSnapshotsOptions = {}) {
    this.max = opts.max ?? 4;
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  private static id(keyPrefix: string, revision: number): string {
    return `${revision}@${keyPrefix}`;
  }

  /** The snapshot of `keyPrefix` at `revision`, or undefined when none is kept. */
  get(keyPrefix: string, revision: number): ListSnapshot | undefined {
    this.expire();
    return this.entries.get(ListSnapshots.id(keyPrefix, revision))?.snap;
  }

  /** Keeps `snap` (of `keyPrefix`), dropping the oldest when full. */
  put(keyPrefix: string, snap: ListSnapshot): void {
    this.expire();
    const id = ListSnapshots.id(keyPrefix, snap.revision);
    this.entries.delete(id);
    this.entries.set(id, { snap, takenAt: this.now() });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every snapshot (after the cache was reinitialized). */
  clear(): void {
    this.entries.clear();
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, e] of this.entries) {
      if (e.takenAt >= cutoff) break; // insertion order is age order
      this.entries.delete(id);
    }
  }
}
