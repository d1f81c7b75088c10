/**
 * One CRI unary call with an AbortSignal and a deadline, as a promise. A gRPC failure
 * becomes a CriError carrying the status code; an abort cancels the call on the wire and
 * rejects with the signal's reason. Never retries: callers decide that.
 */
import * as grpc from '@grpc/grpc-js';

export interface CallOptions {
  /** Cancels the call when aborted. */
  signal: AbortSignal;
  /** Deadline, as milliseconds from now; the client's default when absent. */
  timeoutMs?: number;
}

export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`CRI ${method}: ${grpc.status[code] ?? code}: ${details}`);
    this.name = 'CriError';
  }

  get notFound(): boolean {
    return this.code === grpc.status.NOT_FOUND;
  }
}

type UnaryCallback = (err: grpc.ServiceError | null, res?: unknown) => void;
type UnaryMethod = (
  req: unknown,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: UnaryCallback,
) => grpc.ClientUnaryCall;

export function unary<Res>(
  client: grpc.Client,
  method: string,
  req: object,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Res> {
  const fn = (client as unknown as Record<string, UnaryMethod | undefined>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`CRI: no method ${method}`));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<Res>((resolve, reject) => {
    const onAbort = (): void => {
      call.cancel();
      reject(signal.reason);
    };
    const call = fn.call(
      client,
      req,
      new grpc.Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (err, res) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return;
        if (err) reject(new CriError(method, err.code, err.details));
        else resolve(res as Res);
      },
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
