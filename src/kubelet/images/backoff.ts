/**
 * The image pull back-off, as the kubelet's: per key (pod UID and image), the first failure
 * holds further pulls back for 10 s, each later failure doubles that up to 300 s, and an
 * entry left alone for twice the maximum starts over. Pure: time comes from the caller's
 * clock; it schedules nothing (the pod worker retries, and is told "still backing off").
 */

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class PullBackoff {
  readonly #entries = new Map<string, Entry>();
  readonly #initial: number;
  readonly #max: number;

  constructor(opts: BackoffOptions = {}) {
    this.#initial = opts.initialMs ?? 10_000;
    this.#max = opts.maxMs ?? 300_000;
  }

  #expired(e: Entry, now: number): boolean {
    return now - e.lastUpdate > 2 * this.#max;
  }

  /** True while the delay set by the last failure of `key` has not run out. */
  inBackoff(key: string, now: number): boolean {
    const e = this.#entries.get(key);
    if (!e || this.#expired(e, now)) return false;
    return now - e.lastUpdate < e.delayMs;
  }

  /** Records a failure of `key` at `now`: starts or doubles its delay. */
  next(key: string, now: number): void {
    const e = this.#entries.get(key);
    if (!e || this.#expired(e, now)) {
      this.#entries.set(key, { delayMs: this.#initial, lastUpdate: now });
      return;
    }
    e.delayMs = Math.min(e.delayMs * 2, this.#max);
    e.lastUpdate = now;
  }

  /** The current delay of `key` (0 when none). */
  delayMs(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  /** Forgets entries that have expired. */
  gc(now: number): void {
    for (const [key, e] of this.#entries) if (this.#expired(e, now)) this.#entries.delete(key);
  }
}
