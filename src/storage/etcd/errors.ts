/**
 * Classifies what the etcd client (grpc/) throws, so that the store can retry what is
 * transient and raise only the storage vocabulary (../errors.ts) to its callers. It
 * decides; it does not retry, wait, or call etcd.
 */
import { ChannelClosedError, Code, GrpcError } from './grpc/status.js';

/**
 * Statuses worth another attempt (the ones etcd's own clients retry on): a member going
 * away or without a leader (UNAVAILABLE, etcd's "no leader", "leader changed", "request
 * timed out"), a deadline, throttling ("too many requests"), and a stream cut short.
 */
const RETRYABLE = new Set<number>([
  Code.CANCELLED,
  Code.UNKNOWN,
  Code.DEADLINE_EXCEEDED,
  Code.RESOURCE_EXHAUSTED,
  Code.ABORTED,
  Code.INTERNAL,
  Code.UNAVAILABLE,
]);

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
  return err instanceof ChannelClosedError;
}

/**
 * Worth another attempt, maybe on another member: connection loss, leader elections,
 * timeouts, throttling. Never a storage error (a lost compare-and-swap is an answer, not a
 * failure), never a size refusal, and never an answer that does not parse.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof GrpcError) || isTooLarge(err)) return false;
  return RETRYABLE.has(err.code);
}

export function describe(err: unknown): string {
  return messageOf(err);
}
