/**
 * gRPC status codes and the error a failed call rejects with: the code and etcd's message
 * (grpc-message, percent-decoded), plus the mapping gRPC prescribes for HTTP responses that
 * carry no gRPC status. Pure: it classifies nothing as retryable (../errors.ts does).
 */

export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = new Map<number, string>(Object.entries(Code).map(([name, code]) => [code, name]));

export function codeName(code: number): string {
  return NAMES.get(code) ?? `code ${code}`;
}

/** A call that ended with a non-OK status. The message is etcd's text when it sent one. */
export class GrpcError extends Error {
  override readonly name = 'GrpcError';

  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details || codeName(code));
  }
}

/** The channel was closed by its owner; no further calls are made. */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

/** gRPC's mapping of an HTTP status without grpc-status to a code (doc/http-grpc-status-mapping). */
export function codeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return Code.INTERNAL;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

/** grpc-message is percent-encoded; a malformed encoding is kept as sent. */
export function decodeGrpcMessage(raw: string | undefined): string {
  if (!raw) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
