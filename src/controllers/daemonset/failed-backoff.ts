/**
 * The backoff between deleting failed daemon pods on one node: a node whose kubelet keeps
 * rejecting the pod would otherwise see create and delete in a hot loop. The delay starts
 * at one second and doubles to fifteen minutes (upstream's figures); an entry idle for
 * twice the maximum is forgotten. Pure apart from the injected clock.
 */

const INITIAL_MS = 1000;
const MAX_MS = 15 * 60_000;

export class FailedPodBackoff {
  private readonly entries = new Map<string, { delay: number; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly initialMs = INITIAL_MS,
    private readonly maxMs = MAX_MS,
  ) {}

  /** Milliseconds until `key` may act again, or undefined when it may act now. */
  remaining(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const left = e.at + e.delay - this.now();
    return left > 0 ? left : undefined;
  }

  /** Records an action for `key`, doubling its delay. */
  next(key: string): void {
    const now = this.now();
    const e = this.entries.get(key);
    const fresh = !e || now - e.at > 2 * this.maxMs;
    this.entries.set(key, { delay: fresh ? this.initialMs : Math.min(e.delay * 2, this.maxMs), at: now });
  }

  /** Forgets entries idle for twice the maximum delay. */
  gc(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (now - e.at > 2 * this.maxMs) this.entries.delete(k);
  }
}
