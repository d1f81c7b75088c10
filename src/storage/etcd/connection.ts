/**
 * The connection to an etcd cluster: one etcd3 client over every endpoint, and the retry
 * loop that carries each request through member loss and leader elections. A request is
 * retried (on whichever member answers, with capped, jittered backoff) while its errors are
 * transient, for a bounded time; then it fails with Unavailable.
 *
 * It must not interpret results or map answers (Exists, Conflict...) into storage errors:
 * that is the store's job. It owns no timers beyond the backoff sleeps of calls in flight,
 * which `close()` cancels.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { type CallOptions, InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Etcd3, type IDuplexStream, type IOptions, type IWatchRequest, type IWatchResponse } from 'etcd3';
import { UnavailableError } from '../errors.js';
import { describe, isClientClosed, isRetryable } from './errors.js';

export interface ConnectionOptions {
  /** How long one operation keeps retrying transient failures (default 10 s). */
  retryTimeoutMs?: number;
  /** Deadline of one attempt of a point request (default 5 s). */
  requestTimeoutMs?: number;
  /** Deadline of one attempt of a range that may return many keys (default 30 s). */
  listTimeoutMs?: number;
}

export type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

type GlobalPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * etcd3's default global policy retries three times at once, invisibly. The retry loop here
 * must see every attempt (a write retried after an ambiguous failure is checked against its
 * own outcome), so the global policy only runs the call. The pool calls nothing but
 * `execute` on it; the cast says so rather than pulling in cockatiel as a dependency.
 */
const NEVER_ABORTED = new AbortController().signal;
const runOnce = {
  execute: <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal) =>
    Promise.resolve(fn({ signal: signal ?? NEVER_ABORTED })),
} as unknown as GlobalPolicy;

/**
 * Asks etcd to end a watch stream when its member loses the leader (clientv3's
 * WithRequireLeader), so that a partitioned member cannot hold a watch silent forever.
 */
const requireLeader: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set('hasleader', 'true');
      next(metadata, listener);
    },
  });

export class EtcdConnection {
  readonly client: Etcd3;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly retryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly listTimeoutMs: number;

  constructor(endpoints: string[], opts: ConnectionOptions = {}) {
    if (endpoints.length === 0) throw new UnavailableError('no etcd endpoints given');
    this.retryTimeoutMs = opts.retryTimeoutMs ?? 10_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
    this.listTimeoutMs = opts.listTimeoutMs ?? 30_000;
    this.client = new Etcd3({
      hosts: endpoints,
      faultHandling: { global: runOnce },
      grpcOptions: {
        // Lists of many large values exceed gRPC's 4 MiB default.
        'grpc.max_receive_message_length': -1,
        // Notice dead connections under long-lived watch streams (etcd allows pings every 5 s).
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
        'grpc.max_reconnect_backoff_ms': 2_000,
        // The retry loop below retries; gRPC's own (transparent) retries would only copy and
        // hold every request message in case it has to send it again.
        'grpc.enable_retries': 0,
      },
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-transient error (rethrown as is), or
   * the retry budget is spent (Unavailable). `attempt` gets call options with a deadline
   * and the attempt number (1-based).
   */
  async run<T>(
    what: string,
    attempt: (opts: CallOptions, n: number) => Promise<T>,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<T> {
    const started = Date.now();
    let delay = 25;
    for (let n = 1; ; n++) {
      if (this.closed) throw closedError();
      try {
        return await attempt({ deadline: Date.now() + timeoutMs }, n);
      } catch (err) {
        if (this.closed || isClientClosed(err)) throw closedError();
        if (!isRetryable(err)) throw err;
        const left = started + this.retryTimeoutMs - Date.now();
        if (left <= 0) {
          throw new UnavailableError(
            `etcd ${what} failed ${n} times in ${Date.now() - started} ms: ${describe(err)}`,
          );
        }
        try {
          await sleep(Math.min(delay * (0.5 + Math.random()), left), undefined, {
            signal: this.abort.signal,
          });
        } catch {
          throw closedError();
        }
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** Opens a watch stream on some member (the caller creates one watcher on it). */
  openWatch(): Promise<WatchStream> {
    if (this.closed) return Promise.reject(closedError());
    return this.client.watchClient.watch({ interceptors: [requireLeader] });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.client.close();
  }
}

function closedError(): UnavailableError {
  return new UnavailableError('etcd store is closed');
}
