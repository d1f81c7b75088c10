/**
 * The embedded SQLite store (the default backend). The database belongs to a thread of its
 * own (`writer.ts`), so the main thread runs none of SQLite's work; this side queues writes,
 * keeps the watch fan-out and answers from the thread's replies.
 *
 * Writes are committed in groups: every write queued while the previous group is being
 * committed and made durable goes into one transaction. Each write is acknowledged, and
 * published to watchers, only after its group's WAL sync. The thread takes requests in
 * order, so a read sent while a group commits is answered after it: nothing is ever read
 * that a power loss could still take back, and a read's reply comes after the replies of the
 * writes it sees. Watchers are fed from the write path through the fan-out; history comes
 * from the revision log.
 *
 * It must not be opened twice: the database is locked exclusively by its process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeContinue, encodeContinue, keyAfter } from '../continue-token.js';
import {
  CompactedError,
  ConflictError,
  ExistsError,
  NotFoundError,
  TooLargeError,
  UnavailableError,
} from '../errors.js';
import { type FanoutOptions, WatchFanout } from '../fanout.js';
import {
  type DeleteResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  MAX_VALUE_BYTES,
  prefixEnd,
  type ReadOptions,
  type Store,
  type WatchEvent,
  type WriteOptions,
} from '../types.js';
import { AutoCompactor, type CompactionPolicy } from './compactor.js';
import {
  CONFLICT,
  type CommitReply,
  EXISTS,
  NOT_FOUND,
  OK,
  OP_CREATE,
  OP_DELETE,
  OP_UPDATE,
  pack,
  type Request,
  type Rows,
  valueAt,
  type WireError,
  type WireWrite,
} from './protocol.js';
import { KIND_CREATE, KIND_DELETE } from './schema.js';
import { DbThread } from './thread.js';

export interface SqliteStoreOptions {
  /** Automatic compaction; `false` turns it off. */
  compaction?: Partial<CompactionPolicy> | false;
  /** How often keys written with a TTL are checked for expiry. */
  ttlSweepMs?: number;
  fanout?: FanoutOptions;
  /** Most writes in one transaction. */
  maxBatch?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

type Write =
  | { op: 'create'; key: string; value: Buffer; expires: number | null }
  | { op: 'update'; key: string; value: Buffer; expected: number; expires: number | null }
  | { op: 'delete'; key: string; expected: number | undefined };

/** Groups sent to the thread before the first is answered: the next is queued there while one commits. */
const PIPELINE = 2;

interface Pending {
  write: Write;
  resolve: (ev: WatchEvent) => void;
  reject: (err: unknown) => void;
}

/** The thread's reply to a read of live rows. */
interface LiveReply {
  rows: Rows;
  rev: number;
  count?: number;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly thread: DbThread;
  /** The revision of the last acknowledged write. */
  private rev: number;
  private compacted: number;
  private readonly fanout: WatchFanout;
  private queue: Pending[] = [];
  private flushScheduled = false;
  /** Groups with the thread (at most PIPELINE). */
  private inFlight = 0;
  /** Called when the group in flight is answered (close). */
  private syncWaiters: (() => void)[] = [];
  /** Set when a sync failed: the store then refuses everything (its state is unknown). */
  private broken: UnavailableError | undefined;
  private closing = false;
  private closed = false;
  private readonly maxBatch: number;
  private readonly now: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly compactor: AutoCompactor | undefined;

  private constructor(path: string, opts: SqliteStoreOptions) {
    this.thread = new DbThread(path, (err) => this.stop(err.message));
    this.now = opts.now ?? Date.now;
    this.maxBatch = opts.maxBatch ?? 2000;
    this.rev = this.thread.opened.rev;
    this.compacted = this.thread.opened.compacted;
    this.fanout = new WatchFanout(this.rev, opts.fanout);
    this.sweepTimer = setInterval(() => void this.sweepExpired(), opts.ttlSweepMs ?? 1000);
    this.sweepTimer.unref();
    if (opts.compaction !== false) {
      this.compactor = new AutoCompactor(this, opts.compaction ?? {}, this.now);
      this.compactor.start();
    }
  }

  /** Opens (creating if needed) the database at `path`, a file. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return new SqliteStore(path, opts);
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      throw new UnavailableError((err as Error).message);
    }
  }

  // ---- writes -------------------------------------------------------------------------

  async create(key: string, value: Uint8Array, opts?: WriteOptions): Promise<KeyValue> {
    const ev = await this.enqueue({
      op: 'create',
      key,
      value: this.checkValue(key, value),
      expires: this.expiry(opts),
    });
    return ev.kv!;
  }

  async update(key: string, value: Uint8Array, expected: number, opts?: WriteOptions): Promise<KeyValue> {
    const write: Write = {
      op: 'update',
      key,
      value: this.checkValue(key, value),
      expected,
      expires: this.expiry(opts),
    };
    const ev = await this.enqueue(write);
    return ev.kv!;
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const ev = await this.enqueue({ op: 'delete', key, expected: expectedModRevision });
    return { revision: ev.revision, prevKv: ev.prevKv! };
  }

  private checkValue(key: string, value: Uint8Array): Buffer {
    if (value.byteLength > MAX_VALUE_BYTES) throw new TooLargeError(key, value.byteLength, MAX_VALUE_BYTES);
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  private expiry(opts: WriteOptions | undefined): number | null {
    return opts?.ttlSeconds && opts.ttlSeconds > 0 ? this.now() + opts.ttlSeconds * 1000 : null;
  }

  private enqueue(write: Write): Promise<WatchEvent> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new UnavailableError('store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight >= PIPELINE) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends one batch of the queued writes; the end of its sync sends the next. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inFlight >= PIPELINE || this.queue.length === 0 || this.broken) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    void this.commit(batch);
  }

  /** Resolves once no group waits for its sync (at once when none does). */
  private settled(): Promise<void> | undefined {
    if (this.inFlight === 0) return undefined;
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private async commit(batch: Pending[]): Promise<void> {
    const { data, offs, lens } = pack(batch.map(({ write }) => (write.op === 'delete' ? null : write.value)));
    const writes: WireWrite[] = batch.map(({ write }, i) => ({
      op: write.op === 'create' ? OP_CREATE : write.op === 'update' ? OP_UPDATE : OP_DELETE,
      key: write.key,
      off: offs[i]!,
      len: lens[i]!,
      expected: write.op === 'create' ? -1 : (write.expected ?? -1),
      expires: write.op === 'delete' ? null : write.expires,
    }));
    this.inFlight++;
    try {
      const reply = await this.thread.call<CommitReply>({ t: 'commit', writes, data }, [data]);
      this.rev = reply.rev;
      this.acknowledge(batch, reply);
    } catch (err) {
      const wire = err as WireError;
      if (wire.code === 'Broken') this.stop(wire.message);
      const failure = this.broken ?? new UnavailableError(wire.message);
      for (const p of batch) p.reject(failure);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.syncWaiters;
        this.syncWaiters = [];
        for (const w of waiters) w();
      }
      if (this.queue.length > 0) this.scheduleFlush();
    }
  }

  private acknowledge(batch: Pending[], reply: CommitReply): void {
    const { out, prev } = reply;
    const outcomes = batch.map(({ write }, i): WatchEvent | Error => {
      const o = i * 5;
      const prevValue = valueAt(prev, i);
      const prevKv = prevValue && kv(write.key, prevValue, out[o + 4]!, out[o + 3]!);
      switch (out[o]) {
        case OK:
          break;
        case EXISTS:
          return new ExistsError(write.key);
        case NOT_FOUND:
          return new NotFoundError(write.key);
        case CONFLICT:
          return new ConflictError(write.key, prevKv);
        default:
          return new UnavailableError(`SQLite: unknown outcome ${out[o]} for ${write.key}`);
      }
      const revision = out[o + 1]!;
      if (write.op === 'delete') return { type: 'delete', key: write.key, revision, prevKv };
      const ev: WatchEvent = {
        type: write.op,
        key: write.key,
        revision,
        kv: kv(write.key, write.value, out[o + 2]!, revision),
      };
      if (write.op === 'update') ev.prevKv = prevKv;
      return ev;
    });
    for (const out of outcomes) if (!(out instanceof Error)) this.fanout.publish(out);
    batch.forEach((p, i) => {
      const out = outcomes[i]!;
      if (out instanceof Error) p.reject(out);
      else p.resolve(out);
    });
  }

  /**
   * A failed sync leaves it unknown what is on disk (and a retried fsync can report success
   * for lost pages), and a dead thread answers nothing: the store stops, failing what is
   * queued and every watcher.
   */
  private stop(reason: string): void {
    if (this.broken) return;
    this.broken = new UnavailableError(reason);
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(this.broken);
    this.fanout.closeAll(this.broken);
  }

  // ---- reads --------------------------------------------------------------------------

  /** A request to the thread, its refusal turned into the store's error. */
  private async ask<T>(req: Request): Promise<T> {
    if (this.broken) throw this.broken;
    if (this.closed) throw new UnavailableError('store is closed');
    try {
      return await this.thread.call<T>(req);
    } catch (err) {
      throw storageError(err as WireError);
    }
  }

  async get(key: string, opts: ReadOptions = {}): Promise<KeyValue> {
    const { rows } = await this.ask<LiveReply>({ t: 'get', key, rev: opts.revision ?? 0 });
    if (rows.keys.length === 0) throw new NotFoundError(key);
    return liveKeyValue(rows, 0);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    let start = prefix;
    let rev = opts.revision ?? 0;
    if (opts.continue) {
      const point = decodeContinue(opts.continue);
      rev = point.revision;
      start = point.startKey < prefix ? prefix : point.startKey;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const fetch = limit > 0 ? limit + 1 : -1;
    const reply = await this.ask<LiveReply>({ t: 'list', start, end: prefixEnd(prefix), rev, fetch });
    const { rows } = reply;
    const more = limit > 0 && rows.keys.length > limit;
    const n = more ? limit : rows.keys.length;
    const items: KeyValue[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = liveKeyValue(rows, i);
    const result: ListResult = { items, revision: reply.rev, count: reply.count ?? n };
    if (more)
      result.continue = encodeContinue({ revision: reply.rev, startKey: keyAfter(items[n - 1]!.key) });
    return result;
  }

  async currentRevision(): Promise<number> {
    await this.settled();
    return this.rev;
  }

  async compactRevision(): Promise<number> {
    return this.compacted;
  }

  // ---- watch --------------------------------------------------------------------------

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent> {
    if (this.closed) return this.fanout.failed(prefix, signal, new UnavailableError('store is closed'));
    if (fromRevision < this.compacted) {
      return this.fanout.failed(prefix, signal, new CompactedError(fromRevision, this.compacted));
    }
    return this.fanout.watch(prefix, fromRevision, signal, (p, after, upTo, limit) =>
      this.readHistory(p, after, upTo, limit),
    );
  }

  private async readHistory(
    prefix: string,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<WatchEvent[]> {
    if (after < this.compacted) throw new CompactedError(after, this.compacted);
    const rows = await this.ask<Rows>({
      t: 'history',
      start: prefix,
      end: prefixEnd(prefix),
      after,
      upTo,
      limit,
    });
    return rows.keys.map((key, i) => historyEvent(rows, i, key));
  }

  /** The number of live watchers (for metrics). */
  get watcherCount(): number {
    return this.fanout.watcherCount;
  }

  // ---- compaction and TTL -------------------------------------------------------------

  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    const from = this.compacted;
    // Reads and watches below the target fail from now on, before any row goes.
    this.compacted = target;
    await this.ask({ t: 'compactTo', rev: target });
    // In chunks: queued writes and reads are taken between them.
    const step = 5000;
    for (let lo = from; lo < target && !this.closed; lo += step)
      await this.ask({ t: 'compactChunk', lo, hi: Math.min(lo + step, target) });
  }

  /** Rows in the revision log (for tests and benchmarks of compaction). */
  logSize(): Promise<number> {
    return this.ask<number>({ t: 'logSize' });
  }

  private async sweepExpired(): Promise<void> {
    if (this.closing || this.broken) return;
    let expired: { key: string; rev: number }[];
    try {
      expired = await this.ask({ t: 'expired', now: this.now(), limit: 500 });
    } catch {
      return; // Closed or broken meanwhile: nothing to sweep.
    }
    for (const { key, rev } of expired) {
      this.delete(key, rev).catch(() => {
        // Rewritten or deleted meanwhile: the new write decides the key's fate.
      });
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.sweepTimer);
    this.compactor?.stop();
    // Commit and sync what is queued; every round takes a batch, so this ends.
    const rounds = Math.ceil(this.queue.length / this.maxBatch) + 1;
    for (let i = 0; i < rounds && (this.inFlight > 0 || this.queue.length > 0); i++) {
      this.flush();
      await this.settled();
    }
    this.closed = true;
    this.fanout.closeAll(this.broken ?? new UnavailableError('store is closed'));
    await this.thread.close();
  }
}

function kv(key: string, value: Buffer, createRevision: number, modRevision: number): KeyValue {
  return { key, value, createRevision, modRevision };
}

/** Row `i` of live rows (nums: rev, create_rev). */
function liveKeyValue(rows: Rows, i: number): KeyValue {
  return kv(rows.keys[i]!, valueAt(rows, i) ?? Buffer.alloc(0), rows.nums[2 * i + 1]!, rows.nums[2 * i]!);
}

/** Row `i` of log rows (nums: rev, kind, create_rev, p_rev, p_create_rev; values: value, p_value). */
function historyEvent(rows: Rows, i: number, key: string): WatchEvent {
  const n = rows.nums;
  const revision = n[5 * i]!;
  const kind = n[5 * i + 1]!;
  const prevValue = valueAt(rows, 2 * i + 1);
  const prevKv = prevValue && kv(key, prevValue, n[5 * i + 4]!, n[5 * i + 3]!);
  if (kind === KIND_DELETE) return { type: 'delete', key, revision, prevKv };
  const ev: WatchEvent = {
    type: kind === KIND_CREATE ? 'create' : 'update',
    key,
    revision,
    kv: kv(key, valueAt(rows, 2 * i) ?? Buffer.alloc(0), n[5 * i + 2]!, revision),
  };
  if (prevKv) ev.prevKv = prevKv;
  return ev;
}

/** The store's error for the thread's refusal of a read. */
function storageError(wire: WireError): Error {
  if (wire.code === 'Compacted') return new CompactedError(wire.requested!, wire.compacted!);
  return new UnavailableError(wire.message);
}
