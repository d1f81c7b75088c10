/**
 * Keys due at given times, earliest first: the one timetable behind every simulated
 * heartbeat and pod transition, so that thousands of nodes need one timer, not thousands.
 * A binary heap with lazy deletion: a key's latest time is in `due`; stale heap entries
 * are skipped when they surface. Pure.
 */

interface Entry {
  at: number;
  key: string;
}

export class DueQueue {
  private readonly heap: Entry[] = [];
  private readonly due = new Map<string, number>();

  /** Sets `key` due at `at`, replacing an earlier setting. */
  set(key: string, at: number): void {
    if (this.due.get(key) === at) return;
    this.due.set(key, at);
    this.push({ at, key });
  }

  /** Sets `key` due at `at` unless it is already due sooner. */
  setEarlier(key: string, at: number): void {
    const cur = this.due.get(key);
    if (cur === undefined || at < cur) this.set(key, at);
  }

  delete(key: string): void {
    this.due.delete(key);
  }

  has(key: string): boolean {
    return this.due.has(key);
  }

  get size(): number {
    return this.due.size;
  }

  /** The time of the earliest key, or undefined when empty. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const out: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) return out;
      this.pop();
      this.due.delete(top.key);
      out.push(top.key);
    }
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.due.get(top.key) === top.at) return;
      this.pop();
    }
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= e.at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
