/**
 * The tcpSocket prober: success when a TCP connection to host:port opens within the
 * timeout (it is closed at once, nothing is sent); otherwise a failure worded as Go's
 * dialer words it (`dial tcp 10.42.0.5:8080: connect: connection refused`,
 * `dial tcp ...: i/o timeout`). Does not resolve named ports (./spec.ts).
 */
import net from 'node:net';
import { dialError, failure, type ProbeOutcome, success } from './outcome.js';
import { joinHostPort } from './spec.js';

/** Probes once; rejects only when `signal` aborts. */
export function tcpProbe(
  host: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise<ProbeOutcome>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = net.connect({ host, port });
    const settle = (fn: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      fn();
    };
    const onAbort = (): void => settle(() => reject(signal.reason));
    const timer = setTimeout(
      () => settle(() => resolve(failure(`dial tcp ${addr}: i/o timeout`))),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => settle(() => resolve(success())));
    socket.once('error', (err) => settle(() => resolve(failure(dialError(err, addr, host)))));
  });
}
