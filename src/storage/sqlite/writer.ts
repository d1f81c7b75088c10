/**
 * The SQLite store's database thread: it owns the one connection to the database and does
 * every statement, so the server's main thread runs none of SQLite's work (the commits of
 * write groups, their WAL syncs, reads of many rows). Requests are handled one at a time in
 * the order they came: a read sent while a group commits runs after that group is durable,
 * and its reply comes after the group's.
 *
 * A group is committed in one transaction, then the WAL is synced before the reply: the
 * commit itself does not sync (`synchronous = NORMAL`), the sync is this thread's own.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  CONFLICT,
  type CommitReply,
  EXISTS,
  NOT_FOUND,
  OK,
  OP_CREATE,
  OP_UPDATE,
  type Opened,
  pack,
  type Reply,
  type Request,
  type Rows,
  type WireError,
  type WireWrite,
  type WriterData,
} from './protocol.js';
import { KIND_CREATE, KIND_DELETE, KIND_UPDATE, openSchema } from './schema.js';
import { type LiveRow, type LogRow, prepare, type Statements } from './statements.js';

class Refusal extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

class Writer {
  private readonly st: Statements;
  private rev: number;
  private compacted: number;
  private walFd: number | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly walPath: string,
  ) {
    this.st = prepare(db);
    const metaRev = this.st.getMeta.get('rev')?.value ?? 0;
    this.rev = Math.max(metaRev, this.st.maxRev.get()?.rev ?? 0);
    this.compacted = this.st.getMeta.get('compact_rev')?.value ?? 0;
  }

  opened(): Opened {
    return { ok: true, rev: this.rev, compacted: this.compacted };
  }

  handle(req: Request): { value: unknown; transfer?: ArrayBuffer[] } {
    switch (req.t) {
      case 'commit': {
        const value = this.commit(req.writes, Buffer.from(req.data));
        return { value, transfer: [value.prev.data] };
      }
      case 'get': {
        const at = this.readRevision(req.rev);
        const row = at === this.rev ? this.st.getLive.get(req.key) : this.liveAt(req.key, at);
        const rows = liveRows(row ? [row] : []);
        return { value: { rows, rev: at }, transfer: [rows.data] };
      }
      case 'list': {
        const at = this.readRevision(req.rev);
        const latest = at === this.rev;
        const found = latest
          ? this.st.listLive.all(req.start, req.end, req.fetch)
          : this.st.listAt.all(req.start, req.end, at, req.fetch);
        // A full page needs the count of everything from its start.
        const count =
          req.fetch > 0 && found.length === req.fetch
            ? (latest
                ? this.st.countLive.get(req.start, req.end)
                : this.st.countAt.get(req.start, req.end, at))!.n
            : found.length;
        const rows = liveRows(found);
        return { value: { rows, rev: at, count }, transfer: [rows.data] };
      }
      case 'history': {
        if (req.after < this.compacted) throw compactedRefusal(req.after, this.compacted);
        const rows = logRows(this.st.history.all(req.after, req.upTo, req.start, req.end, req.limit));
        return { value: rows, transfer: [rows.data] };
      }
      case 'expired':
        return { value: this.st.expired.all(req.now, req.limit) };
      case 'compactTo':
        this.compacted = req.rev;
        this.st.setMeta.run('compact_rev', req.rev);
        return { value: null };
      case 'compactChunk':
        this.db.transaction(() => {
          this.st.compactSuperseded.run(req.lo, req.hi);
          this.st.compactTombstones.run(req.lo, req.hi);
        })();
        return { value: null };
      case 'logSize':
        return { value: this.st.countLog.get()!.n };
      case 'close':
        if (this.walFd !== undefined) closeSync(this.walFd);
        this.db.close();
        return { value: null };
    }
  }

  /** Validates a requested read revision; 0 means the latest. */
  private readRevision(requested: number): number {
    if (!requested) return this.rev;
    if (requested < this.compacted) throw compactedRefusal(requested, this.compacted);
    if (requested > this.rev) {
      throw new Refusal({
        code: 'Future',
        message: `revision ${requested} is in the future (current ${this.rev})`,
      });
    }
    return requested;
  }

  private liveAt(key: string, at: number): LiveRow | undefined {
    const row = this.st.getAt.get(key, at);
    return row && row.kind !== KIND_DELETE ? row : undefined;
  }

  /**
   * Commits a group in one transaction and syncs the WAL. A failed transaction refuses the
   * whole group (Unavailable, the store goes on); a failed sync is thrown as `SyncFailure`.
   */
  private commit(writes: WireWrite[], data: Buffer): CommitReply {
    const out = new Float64Array(writes.length * 5);
    const prevs: (Buffer | null)[] = new Array(writes.length).fill(null);
    let rev = this.rev;
    this.db.transaction(() => {
      writes.forEach((w, i) => {
        const value = w.op === 2 ? null : data.subarray(w.off, w.off + w.len);
        const cur = this.st.getLive.get(w.key);
        const code = this.apply(w, value, cur, rev + 1);
        const o = i * 5;
        out[o] = code;
        out[o + 3] = -1;
        out[o + 4] = -1;
        if (cur) {
          out[o + 3] = cur.rev;
          out[o + 4] = cur.create_rev;
          prevs[i] = cur.value;
        }
        if (code === OK) {
          rev++;
          out[o + 1] = rev;
          out[o + 2] = w.op === OP_CREATE ? rev : cur!.create_rev;
        }
      });
      if (rev !== this.rev) this.st.setMeta.run('rev', rev);
    })();
    if (rev !== this.rev) {
      this.rev = rev;
      this.syncWal();
    }
    const packed = pack(prevs);
    return { out, prev: { keys: [], nums: new Float64Array(0), ...packed }, rev };
  }

  /** Applies one write inside the open transaction; returns its outcome code. */
  private apply(w: WireWrite, value: Buffer | null, cur: LiveRow | undefined, rev: number): number {
    if (w.op === OP_CREATE) {
      if (cur) return EXISTS;
      this.st.insertLog.run(rev, w.key, KIND_CREATE, rev, 0, value);
      this.st.upsertLive.run(w.key, rev, rev, w.expires);
      return OK;
    }
    if (!cur) return NOT_FOUND;
    if (w.expected >= 0 && cur.rev !== w.expected) return CONFLICT;
    if (w.op === OP_UPDATE) {
      this.st.insertLog.run(rev, w.key, KIND_UPDATE, cur.create_rev, cur.rev, value);
      this.st.upsertLive.run(w.key, rev, cur.create_rev, w.expires);
    } else {
      this.st.insertLog.run(rev, w.key, KIND_DELETE, cur.create_rev, cur.rev, null);
      this.st.deleteLive.run(w.key);
    }
    return OK;
  }

  /** Makes the WAL durable (what `synchronous = FULL` would do inside the commit). */
  private syncWal(): void {
    try {
      // The WAL exists once a transaction has committed, and lives as long as the connection.
      this.walFd ??= openSync(this.walPath, 'r');
      fsyncSync(this.walFd);
    } catch (err) {
      throw new SyncFailure((err as Error).message);
    }
  }
}

/** The WAL could not be synced: what is on disk is unknown, the store must stop. */
class SyncFailure extends Error {}

function compactedRefusal(requested: number, compacted: number): Refusal {
  return new Refusal({
    code: 'Compacted',
    message: `revision ${requested} has been compacted (compacted up to ${compacted})`,
    requested,
    compacted,
  });
}

/** Live rows as columns: nums are [rev, create_rev] per row. */
function liveRows(found: LiveRow[]): Rows {
  const nums = new Float64Array(found.length * 2);
  found.forEach((r, i) => {
    nums[2 * i] = r.rev;
    nums[2 * i + 1] = r.create_rev;
  });
  return { keys: found.map((r) => r.key), nums, ...pack(found.map((r) => r.value)) };
}

/** Log rows as columns: nums are [rev, kind, create_rev, p_rev, p_create_rev] per row (-1 for none); values are value, p_value per row. */
function logRows(found: LogRow[]): Rows {
  const nums = new Float64Array(found.length * 5);
  const values: (Buffer | null)[] = [];
  found.forEach((r, i) => {
    nums.set([r.rev, r.kind, r.create_rev, r.p_rev ?? -1, r.p_create_rev ?? -1], 5 * i);
    values.push(r.value, r.p_rev === null ? null : (r.p_value ?? Buffer.alloc(0)));
  });
  return { keys: found.map((r) => r.key), nums, ...pack(values) };
}

function main(): void {
  const { path, opened, port } = workerData as WriterData;
  let writer: Writer | undefined;
  let first: Opened;
  try {
    const db = new Database(path);
    openSchema(db);
    writer = new Writer(db, `${path}-wal`);
    first = writer.opened();
  } catch (err) {
    first = { ok: false, message: `cannot open SQLite database ${path}: ${(err as Error).message}` };
  }
  port.postMessage(first);
  const flag = new Int32Array(opened);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  if (!writer) {
    port.close();
    return;
  }
  const w = writer;
  let broken: WireError | undefined;
  port.on('message', ({ id, req }: { id: number; req: Request }) => {
    let reply: Reply;
    let transfer: ArrayBuffer[] | undefined;
    if (broken && req.t !== 'close') {
      reply = { id, ok: false, error: broken };
    } else {
      try {
        const done = w.handle(req);
        reply = { id, ok: true, value: done.value };
        transfer = done.transfer;
      } catch (err) {
        const error: WireError =
          err instanceof Refusal
            ? err.wire
            : err instanceof SyncFailure
              ? { code: 'Broken', message: `SQLite WAL sync failed: ${err.message}` }
              : { code: 'Unavailable', message: `SQLite ${req.t} failed: ${(err as Error).message}` };
        if (err instanceof SyncFailure) broken = error;
        reply = { id, ok: false, error };
      }
    }
    port.postMessage(reply, transfer ?? []);
    if (req.t === 'close') port.close();
  });
}

main();
