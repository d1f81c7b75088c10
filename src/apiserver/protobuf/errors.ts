/**
 * The one error type the protobuf decoder throws. `problem` says what kind of failure it is, so
 * the HTTP layer can map it to a Status without parsing messages: `malformed` bytes (a 400),
 * or an `unsupported` body that is well formed but names a kind or encoding this server has no
 * schema for (a 415). This module knows nothing of HTTP.
 */

export type ProtobufProblem = 'malformed' | 'unsupported';

export class ProtobufDecodeError extends Error {
  constructor(
    readonly problem: ProtobufProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

export function malformed(message: string): ProtobufDecodeError {
  return new ProtobufDecodeError('malformed', message);
}

export function unsupported(message: string): ProtobufDecodeError {
  return new ProtobufDecodeError('unsupported', message);
}

export function isProtobufDecodeError(err: unknown): err is ProtobufDecodeError {
  return err instanceof ProtobufDecodeError;
}
