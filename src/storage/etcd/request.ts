/**
 * One etcd request as the store sees it: run through the connection's retry loop, with
 * whatever etcd answers that is not a result mapped once into the storage vocabulary
 * (Unavailable, TooLarge; Compacted is left to the caller, which knows the revision it
 * asked for). It must not interpret successful results.
 */
import { StorageError, TooLargeError, UnavailableError } from '../errors.js';
import { MAX_VALUE_BYTES } from '../types.js';
import type { CallOptions, EtcdConnection } from './connection.js';
import { describe, isCompacted, isFutureRevision, isLeaseNotFound, isTooLarge } from './errors.js';

export interface RequestContext {
  /** Deadline of one attempt (default: the connection's point-request deadline). */
  timeoutMs?: number;
  /** Let etcd's "compacted" through unmapped, for the caller to find the compaction point. */
  passCompacted?: boolean;
  /** The key and value size of a write, for TooLarge. */
  key?: string;
  size?: number;
}

/** A write named a lease etcd no longer has (expired early, or revoked). */
export class LeaseGoneError extends Error {
  constructor(override readonly cause: unknown) {
    super(describe(cause));
    this.name = 'LeaseGoneError';
  }
}

export async function request<T>(
  conn: EtcdConnection,
  what: string,
  attempt: (opts: CallOptions) => Promise<T>,
  ctx: RequestContext = {},
): Promise<T> {
  try {
    return await conn.run(what, attempt, ctx.timeoutMs);
  } catch (err) {
    if (err instanceof StorageError || (ctx.passCompacted && isCompacted(err))) throw err;
    if (isLeaseNotFound(err)) throw new LeaseGoneError(err);
    if (isFutureRevision(err)) throw new UnavailableError(`etcd ${what}: ${describe(err)}`);
    if (isTooLarge(err) && ctx.key !== undefined) {
      throw new TooLargeError(ctx.key, ctx.size ?? MAX_VALUE_BYTES + 1, MAX_VALUE_BYTES);
    }
    throw new UnavailableError(`etcd ${what} failed: ${describe(err)}`);
  }
}

/** The cluster's current revision: a linearizable count-only read of one key. */
export async function readRevision(conn: EtcdConnection, probeKey: Buffer): Promise<number> {
  const res = await request(conn, 'read of the revision', (o) =>
    conn.kv.range({ key: probeKey, countOnly: true, limit: 1 }, o),
  );
  return res.revision;
}
