/**
 * Classifies what the etcd client throws, so that the store can retry what is transient
 * and raise only the storage vocabulary (../errors.ts) to its callers. It decides; it does
 * not retry, wait, or call etcd.
 */
import { ClientClosedError, isRecoverableError } from 'etcd3';
import { StorageError } from '../errors.js';

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';
const LEASE_NOT_FOUND = 'requested lease not found';
const TOO_LARGE = ['request is too large', 'received message larger than max', 'message larger than max'];

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reading or watching at a revision older than etcd's compaction point. */
export function isCompacted(err: unknown): boolean {
  return messageOf(err).includes(COMPACTED);
}

/** Reading at a revision etcd has not reached. */
export function isFutureRevision(err: unknown): boolean {
  return messageOf(err).includes(FUTURE);
}

/** A write named a lease that expired or was revoked. */
export function isLeaseNotFound(err: unknown): boolean {
  return messageOf(err).includes(LEASE_NOT_FOUND);
}

/** etcd or gRPC refused the request or response for its size. */
export function isTooLarge(err: unknown): boolean {
  const m = messageOf(err);
  return TOO_LARGE.some((t) => m.includes(t));
}

export function isClientClosed(err: unknown): boolean {
  return err instanceof ClientClosedError;
}

/**
 * Worth another attempt, maybe on another member: connection loss, leader elections,
 * timeouts, throttling, and a member whose circuit breaker is open. Never a storage error
 * (a lost compare-and-swap is an answer, not a failure) and never a size refusal.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof StorageError || isTooLarge(err)) return false;
  if ((err as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true) return true;
  return isRecoverableError(err);
}

export function describe(err: unknown): string {
  return messageOf(err);
}
