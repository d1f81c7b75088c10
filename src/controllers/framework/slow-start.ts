/**
 * Slow-start batching: run `count` calls of `fn` in batches of 1, 2, 4, ... (starting at
 * `initial`), the calls of a batch concurrently, stopping after the first batch with a
 * failure. A controller asking for many pods with a bad template thus fails after one
 * request instead of hundreds. Returns how many calls succeeded and the first error.
 */
export async function slowStartBatch(
  count: number,
  initial: number,
  fn: () => Promise<unknown>,
): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason as Error };
    remaining -= size;
  }
  return { successes };
}
