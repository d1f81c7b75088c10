/**
 * Finalizer expectations of the Job controller: the pods whose tracking finalizer a sync
 * removed without the pod informer having shown it yet. Until it does, such a pod still
 * looks unfinished-and-uncounted in the cache; remembering its UID keeps it from being
 * counted twice. (Pod creations and deletions in flight use the shared Expectations.)
 * Memory only. Pure.
 */

export class FinalizerExpectations {
  private readonly uids = new Map<string, Set<string>>();

  expect(key: string, uids: Iterable<string>): void {
    let set = this.uids.get(key);
    if (!set) {
      set = new Set();
      this.uids.set(key, set);
    }
    for (const u of uids) set.add(u);
  }

  observed(key: string, uid: string): void {
    const set = this.uids.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.uids.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return this.uids.get(key) ?? new Set();
  }

  forget(key: string): void {
    this.uids.delete(key);
  }
}
