/**
 * Restart delays for a supervised daemon: doubling from `initialMs`, capped at `maxMs`, and
 * back to the start once a run has lasted `resetAfterMs`. Pure: it computes delays and
 * never sleeps.
 */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy and resets the delay. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 10_000, resetAfterMs: 30_000 };

/** The delay before restart number `failures` (1-based) after a run of `ranMs`. */
export function restartDelay(policy: BackoffPolicy, failures: number, ranMs: number): number {
  if (ranMs >= policy.resetAfterMs) return policy.initialMs;
  const d = policy.initialMs * 2 ** Math.max(0, failures - 1);
  return Math.min(policy.maxMs, d);
}
