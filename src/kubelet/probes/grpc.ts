/**
 * The grpc prober: connects (plaintext, no proxy) to host:port, waits for the channel to
 * be ready and calls grpc.health.v1.Health/Check with the probe's service name, all within
 * the timeout. SERVING is success; every other answer or failure is a failure worded as
 * the kubelet words it. One channel per probe, closed before returning.
 */
import * as grpc from '@grpc/grpc-js';
import {
  decodeHealthResponse,
  encodeHealthRequest,
  HEALTH_CHECK_PATH,
  SERVING_STATUS,
  servingStatusName,
} from './grpc-health.js';
import { PROBE_USER_AGENT } from './http-request.js';
import { failure, goDuration, type ProbeOutcome, rpcError, success } from './outcome.js';
import { joinHostPort } from './spec.js';

/**
 * Runs `start`, which calls `done` once and returns a canceller: resolves with what `done`
 * got, or cancels and rejects with the signal's reason when `signal` aborts first.
 */
function abortable<T>(signal: AbortSignal, start: (done: (v: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal.reason);
    };
    const cancel = start((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Probes once; rejects only when `signal` aborts. */
export async function grpcProbe(
  host: string,
  port: number,
  service: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const within = goDuration(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const client = new grpc.Client(addr, grpc.credentials.createInsecure(), {
    'grpc.primary_user_agent': PROBE_USER_AGENT,
    'grpc.enable_http_proxy': 0,
    'grpc.enable_retries': 0,
  });
  try {
    const notReady = await abortable<Error | undefined>(signal, (done) => {
      client.waitForReady(deadline, (err) => done(err ?? undefined));
      return () => client.close();
    });
    if (notReady) {
      return failure(
        `timeout: failed to connect service ${JSON.stringify(addr)} within ${within}: context deadline exceeded`,
      );
    }
    const answer = await abortable<{ err: grpc.ServiceError | null; status?: number }>(signal, (done) => {
      const call = client.makeUnaryRequest(
        HEALTH_CHECK_PATH,
        encodeHealthRequest,
        decodeHealthResponse,
        { service },
        new grpc.Metadata(),
        { deadline },
        (err, res) => done({ err, status: res?.status }),
      );
      return () => call.cancel();
    });
    const { err } = answer;
    if (err) {
      if (err.code === grpc.status.UNIMPLEMENTED) {
        return failure(
          `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}`,
        );
      }
      if (err.code === grpc.status.DEADLINE_EXCEEDED) {
        return failure(`timeout: health rpc did not complete within ${within}`);
      }
      return failure(`error: health rpc probe failed: ${rpcError(err.code, err.details)}`);
    }
    const status = answer.status ?? 0;
    if (SERVING_STATUS[status] !== 'SERVING') {
      return failure(`service unhealthy (responded with ${JSON.stringify(servingStatusName(status))})`);
    }
    return success('service is serving');
  } finally {
    client.close();
  }
}
