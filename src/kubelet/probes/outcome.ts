/**
 * What one probe attempt yields, and messages in the wording the kubelet uses (which is
 * Go's: `dial tcp 10.42.0.5:8080: connect: connection refused`, durations as `1m30s`,
 * gRPC codes as `DeadlineExceeded`). Pure: no I/O.
 */

/**
 * success / failure: the probe ran and the container answered (output says how).
 * warning: a success worth an event (an HTTP redirect not followed).
 * error: the probe could not run (bad port, runtime error); the result is discarded.
 *   `state` is what the kubelet's event names as the result (`unknown` mostly).
 */
export type ProbeOutcome =
  | { result: 'success' | 'warning' | 'failure'; output: string }
  | { result: 'error'; error: string; state: 'unknown' | 'failure' };

/** Probe output kept at most (the kubelet reads 10 KiB of exec output and HTTP bodies). */
export const MAX_OUTPUT = 10 * 1024;

export const success = (output = ''): ProbeOutcome => ({ result: 'success', output });
export const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });
export const errored = (error: string, state: 'unknown' | 'failure' = 'unknown'): ProbeOutcome => ({
  result: 'error',
  error,
  state,
});

/** A duration as Go's time.Duration prints it: `1s`, `1m30s`, `1h0m0s`, `250ms`. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

const GO_CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** A gRPC failure as grpc-go prints it: `rpc error: code = NotFound desc = ...`. */
export function rpcError(code: number, details: string): string {
  return `rpc error: code = ${GO_CODES[code] ?? `Code(${code})`} desc = ${details}`;
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  EADDRNOTAVAIL: 'connect: cannot assign requested address',
  ETIMEDOUT: 'i/o timeout',
  ECONNRESET: 'read: connection reset by peer',
  EPIPE: 'write: broken pipe',
};

/** A failed connection to `addr` (host:port) as Go's dialer reports it. */
export function dialError(err: unknown, addr: string, host: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  const text = e?.code ? ERRNO_TEXT[e.code] : undefined;
  if (text) return `dial tcp ${addr}: ${text}`;
  return `dial tcp ${addr}: ${e instanceof Error ? e.message : String(err)}`;
}

/** The first `MAX_OUTPUT` bytes of `chunks` as text. */
export function limitedText(chunks: Buffer[]): string {
  const all = Buffer.concat(chunks);
  return all.subarray(0, MAX_OUTPUT).toString('utf8');
}
