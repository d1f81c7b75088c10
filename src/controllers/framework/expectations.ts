/**
 * Expectations: what a controller is still waiting to see from its own writes, per
 * controller key. After asking for N pod creations (or deletions of named pods) a sync
 * records them here; informer handlers mark each one observed. While some are in flight
 * the controller must not act on the cache again (it would double-create or
 * double-delete). Expectations expire after a timeout, so a lost watch event cannot
 * wedge a controller forever. Deletions are tracked by pod key, so a pod seen first
 * with a deletionTimestamp and later as gone counts once. Pure apart from the injected clock.
 */

/** Upstream's expectations timeout: five minutes. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Record {
  adds: number;
  dels: number;
  /** Keys of objects whose deletion is expected and not yet seen. */
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /**
   * True when the controller may act on `key`: nothing recorded, everything observed, or
   * the record is older than the timeout.
   */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.dels <= 0) return true;
    return this.now() - r.at > this.timeoutMs;
  }

  /** Records that `count` creations are about to be asked for (replaces any old record). */
  expectCreations(key: string, count: number): void {
    this.records.set(key, { adds: count, dels: 0, deleting: new Set(), at: this.now() });
  }

  /** Records that the objects with these keys are about to be deleted (replaces any old record). */
  expectDeletions(key: string, objectKeys: string[]): void {
    this.records.set(key, {
      adds: 0,
      dels: objectKeys.length,
      deleting: new Set(objectKeys),
      at: this.now(),
    });
  }

  /** One creation was observed (or will never happen because the request failed). */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.adds--;
  }

  /** The deletion of `objectKey` was observed (or failed); counted once per object. */
  deletionObserved(key: string, objectKey: string): void {
    const r = this.records.get(key);
    if (!r?.deleting.delete(objectKey)) return;
    r.dels--;
  }

  /** Forgets `key` (its controller object is gone). */
  delete(key: string): void {
    this.records.delete(key);
  }

  /** Outstanding creations and deletions of `key`, for logs and tests. */
  pending(key: string): { adds: number; dels: number } | undefined {
    const r = this.records.get(key);
    return r && { adds: r.adds, dels: r.dels };
  }
}
