/**
 * Finds etcd's compaction point, which etcd 3.4 reports through no API: a read at revision
 * r fails with "compacted" exactly when r is below it, so a binary search of count-only reads
 * of one key finds it in O(log n) cheap requests (usually one: the last known point still
 * reads). It must not read values or ranges: each probe is a single-key count.
 */
import type { EtcdConnection } from './connection.js';
import { isCompacted } from './errors.js';

/**
 * The compaction point, given that it is at least `known` and at most `current`. Returns
 * `known` when a read at `known` still works (0 when nothing was ever compacted).
 */
export async function findCompactRevision(
  conn: EtcdConnection,
  probeKey: Buffer,
  known: number,
  current: number,
): Promise<number> {
  const readable = async (revision: number): Promise<boolean> => {
    try {
      await conn.run('compaction probe', (o) =>
        conn.kv.range({ key: probeKey, revision, countOnly: true, limit: 1 }, o),
      );
      return true;
    } catch (err) {
      if (isCompacted(err)) return false;
      throw err;
    }
  };
  const first = Math.max(known, 1);
  if (first >= current || (await readable(first))) return known;
  // Invariant: lo is unreadable, hi is readable (etcd never compacts past its current revision).
  let lo = first;
  let hi = current;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await readable(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
