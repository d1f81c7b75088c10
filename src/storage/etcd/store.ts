/**
 * The etcd backend: `Store` over a real etcd v3 cluster, each key stored under the store's
 * prefix. Every write is one etcd transaction guarded by a compare (txn.ts); reads are
 * linearizable ranges; TTLs are shared leases (leases.ts); watchers share one etcd watch
 * through the fan-out (watch-feed.ts), and only those starting further back get their own
 * (watch.ts). Requests ride out member loss by retrying on other members (connection.ts).
 *
 * It must not cache data: etcd is the source of truth, and several stores (API servers) may
 * share one cluster. The only state kept is what etcd cannot answer cheaply (the compaction
 * point) and the leases being reused.
 */
import { decodeContinue, encodeContinue, keyAfter } from '../continue-token.js';
import {
  CompactedError,
  ConflictError,
  ExistsError,
  NotFoundError,
  StorageError,
  TooLargeError,
  UnavailableError,
} from '../errors.js';
import type { FanoutOptions } from '../fanout.js';
import {
  type DeleteResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  MAX_VALUE_BYTES,
  type ReadOptions,
  type Store,
  type WatchEvent,
  type WriteOptions,
} from '../types.js';
import { KeyCodec, sameBytes } from './codec.js';
import { CompactionTracker } from './compaction.js';
import { type CallOptions, type ConnectionOptions, EtcdConnection } from './connection.js';
import { describe, isCompacted } from './errors.js';
import type { RangeRequest, RangeResponse, TxnRequest, TxnResponse } from './grpc/messages.js';
import { LeaseManager, type LeaseOptions } from './leases.js';
import { LeaseGoneError, type RequestContext, readRevision, request } from './request.js';
import { createTxn, deletedKv, deleteTxn, rangedKv, txnRevision, updateTxn } from './txn.js';
import { CatchUpWatch } from './watch.js';
import { WatchFeed } from './watch-feed.js';

export interface EtcdStoreOptions extends ConnectionOptions {
  /** Client URLs of the members, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  /**
   * Namespace of this store's keys inside etcd (default ''), prepended verbatim. It must not
   * be a prefix of another store's namespace on the same cluster ('/a' and '/ab' overlap):
   * this store lists and watches everything that starts with it.
   */
  prefix?: string;
  fanout?: FanoutOptions;
  leases?: LeaseOptions;
}

export class EtcdStore implements Store {
  readonly backend = 'etcd';
  /** The namespace of this store's keys inside etcd. */
  readonly prefix: string;
  private readonly leases: LeaseManager;
  private readonly feed: WatchFeed;
  private closed = false;

  private constructor(
    private readonly conn: EtcdConnection,
    private readonly codec: KeyCodec,
    private readonly compaction: CompactionTracker,
    revision: number,
    opts: EtcdStoreOptions,
  ) {
    this.prefix = opts.prefix ?? '';
    this.leases = new LeaseManager((ttl) => this.grantLease(ttl), opts.leases);
    this.feed = new WatchFeed(conn, codec, revision, opts.fanout, (rev) => compaction.saw(rev));
  }

  /** Connects, reads the current revision and compaction point, and starts the watch feed. */
  static async open(opts: EtcdStoreOptions): Promise<EtcdStore> {
    const conn = new EtcdConnection(opts.endpoints, opts);
    const codec = new KeyCodec(opts.prefix ?? '');
    try {
      const revision = await readRevision(conn, codec.probeKey);
      const compaction = await CompactionTracker.open(conn, codec.probeKey, revision);
      return new EtcdStore(conn, codec, compaction, revision, opts);
    } catch (err) {
      conn.close();
      throw err instanceof StorageError
        ? err
        : new UnavailableError(`cannot open etcd store: ${describe(err)}`);
    }
  }

  // ---- writes -------------------------------------------------------------------------

  async create(key: string, value: Uint8Array, opts?: WriteOptions): Promise<KeyValue> {
    const v = checkValue(key, value);
    const k = this.codec.encode(key);
    const { res, attempts } = await this.write(key, v.byteLength, opts, (lease) => createTxn(k, v, lease));
    if (res.succeeded) {
      const rev = txnRevision(res);
      return { key, value: v, createRevision: rev, modRevision: rev };
    }
    const cur = rangedKv(res, 0);
    // A retried create that finds exactly its own value (created at its own revision) won earlier.
    if (cur && attempts > 1 && cur.createRevision === cur.modRevision && sameBytes(cur.value, v)) {
      return this.codec.toKeyValue(cur);
    }
    throw new ExistsError(key);
  }

  async update(key: string, value: Uint8Array, expected: number, opts?: WriteOptions): Promise<KeyValue> {
    const v = checkValue(key, value);
    const k = this.codec.encode(key);
    const build = (lease: string | undefined) => updateTxn(k, v, expected, lease);
    const { res, attempts } = await this.write(key, v.byteLength, opts, build);
    if (res.succeeded) {
      const rev = txnRevision(res);
      const createRevision = rangedKv(res, 1)?.createRevision ?? rev;
      return { key, value: v, createRevision, modRevision: rev };
    }
    const cur = rangedKv(res, 0);
    if (!cur) throw new NotFoundError(key);
    const current = this.codec.toKeyValue(cur);
    // A retried update that finds its own value written after `expected` went through earlier.
    if (attempts > 1 && current.modRevision > expected && sameBytes(cur.value, v)) return current;
    throw new ConflictError(key, current);
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const k = this.codec.encode(key);
    const kv = this.conn.kv;
    if (expectedModRevision === undefined) {
      const res = await this.call('delete', (o) => kv.deleteRange({ key: k, prevKv: true }, o));
      const prev = res.prevKvs[0];
      if (!prev) throw new NotFoundError(key);
      return { revision: res.revision, prevKv: this.codec.toKeyValue(prev) };
    }
    const res = await this.call('delete', (o) => kv.txn(deleteTxn(k, expectedModRevision), o));
    const prev = deletedKv(res, 0);
    if (res.succeeded && prev) return { revision: txnRevision(res), prevKv: this.codec.toKeyValue(prev) };
    const cur = rangedKv(res, 0);
    if (!cur) throw new NotFoundError(key);
    throw new ConflictError(key, this.codec.toKeyValue(cur));
  }

  /** Runs a write transaction, with a shared lease when a TTL is asked for. */
  private async write(
    key: string,
    size: number,
    opts: WriteOptions | undefined,
    build: (lease: string | undefined) => TxnRequest,
  ): Promise<{ res: TxnResponse; attempts: number }> {
    let attempts = 0;
    const attempt = (req: TxnRequest) => (o: CallOptions) => {
      attempts++;
      return this.conn.kv.txn(req, o);
    };
    const run = (req: TxnRequest) => this.call(`write of ${key}`, attempt(req), { key, size });
    const ttl = opts?.ttlSeconds;
    if (!ttl || ttl <= 0) return { res: await run(build(undefined)), attempts };
    for (let tries = 1; ; tries++) {
      const lease = await this.leases.lease(ttl);
      try {
        return { res: await run(build(lease)), attempts };
      } catch (err) {
        // The shared lease is gone (expired early, revoked): take a fresh one, once.
        if (!(err instanceof LeaseGoneError)) throw err;
        if (tries > 1) throw new UnavailableError(`etcd write of ${key}: ${err.message}`);
        this.leases.invalidate(lease);
      }
    }
  }

  private async grantLease(ttl: number): Promise<string> {
    const res = await this.call('lease grant', (o) => this.conn.kv.leaseGrant({ ttlSeconds: ttl }, o));
    return res.id;
  }

  // ---- reads --------------------------------------------------------------------------

  async get(key: string, opts: ReadOptions = {}): Promise<KeyValue> {
    const res = await this.range({ key: this.codec.encode(key), revision: opts.revision || 0 });
    const kv = res.kvs[0];
    if (!kv) throw new NotFoundError(key);
    return this.codec.toKeyValue(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    let start = prefix;
    let at = opts.revision || 0;
    if (opts.continue) {
      const point = decodeContinue(opts.continue);
      at = point.revision;
      start = point.startKey < prefix ? prefix : point.startKey;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const { end } = this.codec.range(prefix);
    const res = await this.range({ key: this.codec.start(start), rangeEnd: end, revision: at, limit }, true);
    const revision = at || res.revision;
    const items = res.kvs.map((kv) => this.codec.toKeyValue(kv));
    const result: ListResult = { items, revision, count: res.count };
    if (res.more && items.length > 0) {
      result.continue = encodeContinue({ revision, startKey: keyAfter(items[items.length - 1]!.key) });
    }
    return result;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return readRevision(this.conn, this.codec.probeKey);
  }

  /** A range at one revision; etcd's "compacted" becomes Compacted with the compaction point. */
  private async range(req: RangeRequest, many = false): Promise<RangeResponse> {
    const timeoutMs = many ? this.conn.listTimeoutMs : this.conn.requestTimeoutMs;
    try {
      return await this.call('read', (o) => this.conn.kv.range(req, o), {
        timeoutMs,
        passCompacted: true,
      });
    } catch (err) {
      if (!isCompacted(err)) throw err;
      const requested = req.revision ?? 0;
      throw new CompactedError(requested, await this.compaction.learn(requested));
    }
  }

  // ---- watch --------------------------------------------------------------------------

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    if (this.closed) return this.feed.failed(prefix, signal, new UnavailableError('etcd store is closed'));
    const compacted = this.compaction.revision;
    if (fromRevision < compacted)
      return this.feed.failed(prefix, signal, new CompactedError(fromRevision, compacted));
    if (fromRevision >= this.feed.floor) return this.feed.attach(prefix, fromRevision, signal);
    return new CatchUpWatch(this.conn, this.codec, this.feed, prefix, fromRevision, signal, (rev) =>
      this.compaction.saw(rev),
    );
  }

  /** The number of watchers on the shared feed (for metrics). */
  get watcherCount(): number {
    return this.feed.watcherCount;
  }

  // ---- compaction ---------------------------------------------------------------------

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    await this.compaction.compact(revision);
  }

  /** etcd 3.4 cannot report its compaction point; this finds it with a few cheap reads. */
  async compactRevision(): Promise<number> {
    this.checkOpen();
    return this.compaction.learn();
  }

  // ---- plumbing -----------------------------------------------------------------------

  private call<T>(
    what: string,
    attempt: (opts: CallOptions) => Promise<T>,
    ctx?: RequestContext,
  ): Promise<T> {
    this.checkOpen();
    return request(this.conn, what, attempt, ctx);
  }

  private checkOpen(): void {
    if (this.closed) throw new UnavailableError('etcd store is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close();
    this.conn.close();
  }
}

function checkValue(key: string, value: Uint8Array): Buffer {
  if (value.byteLength > MAX_VALUE_BYTES) throw new TooLargeError(key, value.byteLength, MAX_VALUE_BYTES);
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
