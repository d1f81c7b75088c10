/**
 * The embedded SQLite store (the default backend). Writes are queued and committed in
 * groups: every write queued while the previous group is being made durable goes into one
 * transaction. The transaction runs on the main thread, but its fsync of the WAL does not:
 * it runs in libuv's thread pool while requests go on being served, and each write is
 * acknowledged, and published to watchers, only after it completed. Reads wait for a sync
 * in flight, so nothing is ever read that a power loss could still take back. Watchers are
 * fed from the write path through the fan-out; history comes from the revision log.
 *
 * It must not be opened twice: the database is locked exclusively by its process.
 */
import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
import { KIND_CREATE, KIND_DELETE, KIND_UPDATE, openSchema } from './schema.js';
import { type LiveRow, type LogRow, prepare, type Statements } from './statements.js';

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

interface Pending {
  write: Write;
  resolve: (ev: WatchEvent) => void;
  reject: (err: unknown) => void;
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly st: Statements;
  private rev: number;
  private compacted: number;
  private readonly fanout: WatchFanout;
  private queue: Pending[] = [];
  private flushScheduled = false;
  /** A committed group waits for its WAL sync; no other group commits meanwhile. */
  private syncing = false;
  /** Called when the sync in flight completes (reads waiting, close). */
  private syncWaiters: (() => void)[] = [];
  /** The WAL file, opened at the first sync; undefined in memory. */
  private walFd: number | undefined;
  /** Set when a sync failed: the store then refuses everything (its state is unknown). */
  private broken: UnavailableError | undefined;
  private closing = false;
  private closed = false;
  private readonly maxBatch: number;
  private readonly now: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly compactor: AutoCompactor | undefined;

  private constructor(
    private readonly db: Database.Database,
    /** The write-ahead log file, undefined for an in-memory database. */
    private readonly walPath: string | undefined,
    opts: SqliteStoreOptions,
  ) {
    this.st = prepare(db);
    this.now = opts.now ?? Date.now;
    this.maxBatch = opts.maxBatch ?? 2000;
    const metaRev = this.st.getMeta.get('rev')?.value ?? 0;
    this.rev = Math.max(metaRev, this.st.maxRev.get()?.rev ?? 0);
    this.compacted = this.st.getMeta.get('compact_rev')?.value ?? 0;
    this.fanout = new WatchFanout(this.rev, opts.fanout);
    this.sweepTimer = setInterval(() => this.sweepExpired(), opts.ttlSweepMs ?? 1000);
    this.sweepTimer.unref();
    if (opts.compaction !== false) {
      this.compactor = new AutoCompactor(this, opts.compaction ?? {}, this.now);
      this.compactor.start();
    }
  }

  /** Opens (creating if needed) the database at `path`. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
      openSchema(db);
    } catch (err) {
      throw new UnavailableError(`cannot open SQLite database ${path}: ${(err as Error).message}`);
    }
    return new SqliteStore(db, path === ':memory:' ? undefined : `${path}-wal`, opts);
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
    if (this.flushScheduled || this.syncing) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits one batch of the queued writes; the end of its sync commits the next. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.syncing || this.queue.length === 0) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    this.commit(batch);
  }

  /** Resolves once no commit waits for its sync (at once when none does). */
  private settled(): Promise<void> | undefined {
    if (!this.syncing) return undefined;
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private commit(batch: Pending[]): void {
    const outcomes: (WatchEvent | Error)[] = [];
    let rev = this.rev;
    try {
      this.db.transaction(() => {
        for (const { write } of batch) {
          const out = this.apply(write, rev + 1);
          if (!(out instanceof Error)) rev = out.revision;
          outcomes.push(out);
        }
        if (rev !== this.rev) this.st.setMeta.run('rev', rev);
      })();
    } catch (err) {
      const failure = new UnavailableError(`SQLite commit failed: ${(err as Error).message}`);
      for (const p of batch) p.reject(failure);
      if (this.queue.length > 0) this.scheduleFlush();
      return;
    }
    if (rev === this.rev) {
      // Every write was refused: nothing to sync (the state they saw is durable already).
      this.acknowledge(batch, outcomes);
      if (this.queue.length > 0) this.scheduleFlush();
      return;
    }
    this.rev = rev;
    this.syncing = true;
    this.syncWal((err) => {
      this.syncing = false;
      if (err) this.fail(batch, err);
      else this.acknowledge(batch, outcomes);
      // Waiting reads run (as microtasks) before the next group commits (an immediate).
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  /** Makes the WAL durable (what `synchronous = FULL` would do inside the commit), off the main thread. */
  private syncWal(done: (err: Error | null) => void): void {
    if (this.walPath === undefined) {
      done(null);
      return;
    }
    try {
      // The WAL exists once a transaction has committed, and lives as long as the connection.
      this.walFd ??= openSync(this.walPath, 'r');
    } catch (err) {
      done(err as Error);
      return;
    }
    fsync(this.walFd, done);
  }

  private acknowledge(batch: Pending[], outcomes: (WatchEvent | Error)[]): void {
    for (const out of outcomes) if (!(out instanceof Error)) this.fanout.publish(out);
    batch.forEach((p, i) => {
      const out = outcomes[i]!;
      if (out instanceof Error) p.reject(out);
      else p.resolve(out);
    });
  }

  /**
   * A failed sync leaves it unknown what is on disk (and a retried fsync can report success
   * for lost pages): the store stops, failing this batch, what is queued and every watcher.
   */
  private fail(batch: Pending[], err: Error): void {
    this.broken = new UnavailableError(`SQLite WAL sync failed: ${err.message}`);
    const queued = this.queue;
    this.queue = [];
    for (const p of [...batch, ...queued]) p.reject(this.broken);
    this.fanout.closeAll(this.broken);
  }

  /** Applies one write inside the open transaction; a refused write returns its error. */
  private apply(w: Write, rev: number): WatchEvent | Error {
    const cur = this.st.getLive.get(w.key);
    const prevKv = cur && toKeyValue(cur);
    switch (w.op) {
      case 'create': {
        if (cur) return new ExistsError(w.key);
        this.st.insertLog.run(rev, w.key, KIND_CREATE, rev, 0, w.value);
        this.st.upsertLive.run(w.key, rev, rev, w.expires);
        return { type: 'create', key: w.key, revision: rev, kv: kv(w.key, w.value, rev, rev) };
      }
      case 'update': {
        if (!cur) return new NotFoundError(w.key);
        if (cur.rev !== w.expected) return new ConflictError(w.key, prevKv);
        this.st.insertLog.run(rev, w.key, KIND_UPDATE, cur.create_rev, cur.rev, w.value);
        this.st.upsertLive.run(w.key, rev, cur.create_rev, w.expires);
        return {
          type: 'update',
          key: w.key,
          revision: rev,
          kv: kv(w.key, w.value, cur.create_rev, rev),
          prevKv,
        };
      }
      case 'delete': {
        if (!cur) return new NotFoundError(w.key);
        if (w.expected !== undefined && cur.rev !== w.expected) return new ConflictError(w.key, prevKv);
        this.st.insertLog.run(rev, w.key, KIND_DELETE, cur.create_rev, cur.rev, null);
        this.st.deleteLive.run(w.key);
        return { type: 'delete', key: w.key, revision: rev, prevKv };
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------

  async get(key: string, opts: ReadOptions = {}): Promise<KeyValue> {
    await this.settled();
    const at = this.readRevision(opts.revision);
    const row = at === this.rev ? this.st.getLive.get(key) : this.liveAt(key, at);
    if (!row) throw new NotFoundError(key);
    return toKeyValue(row);
  }

  private liveAt(key: string, at: number): LiveRow | undefined {
    const row = this.st.getAt.get(key, at);
    return row && row.kind !== KIND_DELETE ? row : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await this.settled();
    let start = prefix;
    let at: number;
    if (opts.continue) {
      const point = decodeContinue(opts.continue);
      at = this.readRevision(point.revision);
      start = point.startKey < prefix ? prefix : point.startKey;
    } else {
      at = this.readRevision(opts.revision);
    }
    const end = prefixEnd(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const fetch = limit > 0 ? limit + 1 : -1;
    const latest = at === this.rev;
    const rows = latest ? this.st.listLive.all(start, end, fetch) : this.st.listAt.all(start, end, at, fetch);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const count = more
      ? (latest ? this.st.countLive.get(start, end) : this.st.countAt.get(start, end, at))!.n
      : rows.length;
    const result: ListResult = { items: rows.map(toKeyValue), revision: at, count };
    if (more)
      result.continue = encodeContinue({ revision: at, startKey: keyAfter(rows[rows.length - 1]!.key) });
    return result;
  }

  /** Validates a requested read revision; 0 or absent means the latest. */
  private readRevision(requested: number | undefined): number {
    if (this.broken) throw this.broken;
    if (this.closed) throw new UnavailableError('store is closed');
    if (!requested) return this.rev;
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    if (requested > this.rev)
      throw new UnavailableError(`revision ${requested} is in the future (current ${this.rev})`);
    return requested;
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

  private readHistory(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    if (this.closed) throw new UnavailableError('store is closed');
    if (after < this.compacted) throw new CompactedError(after, this.compacted);
    const rows = this.st.history.all(after, upTo, prefix, prefixEnd(prefix), limit);
    return rows.map(toWatchEvent);
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
    this.st.setMeta.run('compact_rev', target);
    const step = 5000;
    for (let lo = from; lo < target && !this.closed; lo += step) {
      const hi = Math.min(lo + step, target);
      this.db.transaction(() => {
        this.st.compactSuperseded.run(lo, hi);
        this.st.compactTombstones.run(lo, hi);
      })();
      // Let queued writes and reads run between chunks.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Rows in the revision log (for tests and benchmarks of compaction). */
  logSize(): number {
    return this.st.countLog.get()!.n;
  }

  private sweepExpired(): void {
    if (this.closed) return;
    for (const { key, rev } of this.st.expired.all(this.now(), 500)) {
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
    for (let i = 0; i < rounds && (this.syncing || this.queue.length > 0); i++) {
      this.flush();
      await this.settled();
    }
    this.closed = true;
    this.fanout.closeAll(this.broken ?? new UnavailableError('store is closed'));
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.db.close();
  }
}

function kv(key: string, value: Buffer, createRevision: number, modRevision: number): KeyValue {
  return { key, value, createRevision, modRevision };
}

function toKeyValue(row: LiveRow): KeyValue {
  return kv(row.key, row.value, row.create_rev, row.rev);
}

function toWatchEvent(row: LogRow): WatchEvent {
  const prevKv =
    row.p_rev !== null
      ? kv(row.key, row.p_value ?? Buffer.alloc(0), row.p_create_rev!, row.p_rev)
      : undefined;
  if (row.kind === KIND_DELETE) return { type: 'delete', key: row.key, revision: row.rev, prevKv };
  const ev: WatchEvent = {
    type: row.kind === KIND_CREATE ? 'create' : 'update',
    key: row.key,
    revision: row.rev,
    kv: kv(row.key, row.value ?? Buffer.alloc(0), row.create_rev, row.rev),
  };
  if (prevKv) ev.prevKv = prevKv;
  return ev;
}
