/**
 * A Store that records the latency of every call in the API server's metrics, wrapping
 * another Store without changing its behaviour. Watches are not timed (they are long).
 */
import type { Store } from '../storage/types.js';
import type { Metrics } from './metrics.js';

const TIMED = ['create', 'update', 'delete', 'get', 'list', 'currentRevision', 'compact'] as const;

export function instrumentStore(store: Store, metrics: Metrics): Store {
  const wrapped: Store = Object.create(store) as Store;
  for (const op of TIMED) {
    const original = store[op].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(wrapped, op, {
      value: async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await original(...args);
        } finally {
          metrics.observeStorage(op, (performance.now() - started) / 1000);
        }
      },
    });
  }
  // Untimed calls still run on the original, so its own state stays where it lives.
  for (const op of ['watch', 'compactRevision', 'close'] as const) {
    Object.defineProperty(wrapped, op, { value: store[op].bind(store) });
  }
  return wrapped;
}
