/**
 * A keyed work queue for level-triggered controllers: a key is queued at most once
 * (de-duplicated), never processed by two workers at once (re-queued if added while in
 * progress), and can be re-queued with per-key exponential backoff (5 ms doubling to
 * 1000 s, as client-go's default) or after a fixed delay. Pure apart from timers.
 */

import { Fifo } from '../util/fifo.js';

export class WorkQueue {
  private readonly queue = new Fifo<string>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Fifo<(key: string | undefined) => void>();
  private shuttingDown = false;

  constructor(
    private readonly baseDelayMs = 5,
    private readonly maxDelayMs = 1_000_000,
  ) {}

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds `key` after `ms` (a later call with a shorter delay wins). */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const existing = this.delayed.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.delayed.set(key, t);
  }

  /** Re-queues `key` after its backoff, which doubles with every failure until forget(). */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs));
  }

  /** Clears the failure count of `key` (after a successful sync). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once shut down. Call done(key) afterwards. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  get length(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.delayed.values()) clearTimeout(t);
    this.delayed.clear();
    for (const w of this.waiters.drain()) w(undefined);
  }
}

/**
 * Runs `workers` loops that take keys from `queue` and call `sync(key)`: success forgets
 * the key, failure re-queues it with backoff. Resolves when the queue shuts down.
 */
export async function runWorkers(
  queue: WorkQueue,
  workers: number,
  sync: (key: string) => Promise<void>,
  onError: (key: string, err: unknown) => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        try {
          await sync(key);
          queue.forget(key);
        } catch (err) {
          onError(key, err);
          queue.addRateLimited(key);
        } finally {
          queue.done(key);
        }
      }
    }),
  );
}
