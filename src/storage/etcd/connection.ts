/**
 * The connection to an etcd cluster: a gRPC client over HTTP/2 (grpc/http2/) with one
 * connection per member (grpc/client.ts: KV and lease calls, Watch streams), and the retry loop that
 * carries each request through member loss and leader elections. A request is retried
 * (moving to the next member after a transient failure, with capped, jittered backoff)
 * while its errors are transient, for a bounded time; then it fails with Unavailable.
 *
 * It must not interpret results or map answers (Exists, Conflict...) into storage errors:
 * that is the store's job. It owns no timers beyond the backoff sleeps of calls in flight;
 * `close()` cancels those and closes the client (its sessions, deadlines and pings).
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../errors.js';
import { describe, isClientClosed, isRetryable } from './errors.js';
import type { CallOptions } from './grpc/channel.js';
import { EtcdClient, type WatchCall, type WatchHandlers } from './grpc/client.js';

export type { CallOptions } from './grpc/channel.js';
export type { WatchCall, WatchHandlers } from './grpc/client.js';

export interface ConnectionOptions {
  /** How long one operation keeps retrying transient failures (default 10 s). */
  retryTimeoutMs?: number;
  /** Deadline of one attempt of a point request (default 5 s). */
  requestTimeoutMs?: number;
  /** Deadline of one attempt of a range that may return many keys (default 30 s). */
  listTimeoutMs?: number;
}

export class EtcdConnection {
  /** Requests (Range, Txn, DeleteRange, Compact, LeaseGrant) go through `run`. */
  readonly kv: EtcdClient;
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
    this.kv = new EtcdClient(endpoints);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-transient error (rethrown as is), or
   * the retry budget is spent (Unavailable). `attempt` gets call options with a deadline
   * and the attempt number (1-based); a write retried after an ambiguous failure is
   * checked by its caller against its own outcome.
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

  /**
   * Opens a watch stream on some member (the caller creates one watcher on it). Throws
   * when none can be opened (closed, or the member is unreachable); the caller retries.
   */
  openWatch(h: WatchHandlers): WatchCall {
    if (this.closed) throw closedError();
    return this.kv.watch(h);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.kv.close();
  }
}

function closedError(): UnavailableError {
  return new UnavailableError('etcd store is closed');
}
