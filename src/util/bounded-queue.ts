/**
 * A bounded, single-consumer async queue: a producer pushes, the consumer pulls with
 * `for await`. A consumer that falls more than `maxPending` items behind is cut off with
 * the error `overflow()` builds, so one slow reader never holds everyone's memory.
 * Aborting the signal or calling `return()` ends the iteration normally, even while a
 * `next()` is pending. Pure: no I/O.
 */
import { Fifo } from './fifo.js';

export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items = new Fifo<T>();
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private waiterReject: ((e: unknown) => void) | undefined;
  private error: unknown;
  private done = false;
  private demand: (() => void) | undefined;
  private readonly onAbort = () => this.end();

  constructor(
    private readonly maxPending: number,
    private readonly signal: AbortSignal,
    private readonly overflow: (maxPending: number) => Error,
    private readonly onClose?: (q: BoundedQueue<T>) => void,
  ) {
    if (signal.aborted) this.done = true;
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  get closed(): boolean {
    return this.done || this.error !== undefined;
  }

  get pending(): number {
    return this.items.length;
  }

  /** Delivers an item; returns false once the queue is closed (or just overflowed). */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.clearWaiter();
      w({ value: item, done: false });
      return true;
    }
    if (this.pending >= this.maxPending) {
      this.fail(this.overflow(this.maxPending));
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** Ends the iteration with `err`, dropping whatever was queued. */
  fail(err: unknown): void {
    if (this.closed) return;
    this.error = err;
    this.items.clear();
    if (this.waiterReject) {
      const r = this.waiterReject;
      this.clearWaiter();
      r(err);
    }
    this.release();
  }

  /** Ends the iteration normally, dropping whatever was queued. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.items.clear();
    if (this.waiter) {
      const w = this.waiter;
      this.clearWaiter();
      w({ value: undefined, done: true });
    }
    this.release();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    this.wakeProducer();
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.waiterReject = reject;
    });
  }

  /**
   * Resolves once the consumer has taken everything queued and asks for more (or the
   * queue closed): lets a producer of history pace itself to the consumer.
   */
  drained(): Promise<void> {
    if (this.closed || (this.pending === 0 && this.waiter)) return Promise.resolve();
    return new Promise((resolve) => {
      this.demand = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private wakeProducer(): void {
    const d = this.demand;
    this.demand = undefined;
    d?.();
  }

  private clearWaiter(): void {
    this.waiter = undefined;
    this.waiterReject = undefined;
  }

  private release(): void {
    this.wakeProducer();
    this.signal.removeEventListener('abort', this.onAbort);
    this.onClose?.(this);
  }
}
