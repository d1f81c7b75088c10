/**
 * One storage watcher's queue: events pushed by the fan-out, pulled by the consumer. A
 * consumer that falls more than `maxPending` events behind is cut off with Unavailable.
 */
import { BoundedQueue } from '../util/bounded-queue.js';
import { UnavailableError } from './errors.js';
import type { WatchEvent } from './types.js';

export class WatchQueue extends BoundedQueue<WatchEvent> {
  constructor(
    readonly prefix: string,
    maxPending: number,
    signal: AbortSignal,
    onClose: (q: WatchQueue) => void,
  ) {
    super(
      maxPending,
      signal,
      (max) => new UnavailableError(`watcher fell more than ${max} events behind and was closed`),
      (q) => onClose(q as WatchQueue),
    );
  }
}
