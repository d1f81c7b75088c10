/**
 * What the SQLite store's main-thread side and its database thread (`writer.ts`) say to each
 * other. Values travel packed into one transferred ArrayBuffer per message (a list of many
 * rows is not copied a second time), rows travel as columns, and refusals as codes, so a
 * message is cheap to clone both ways.
 */
import type { MessagePort } from 'node:worker_threads';

/** Set up by the main side; the thread opens the database at `path`. */
export interface WriterData {
  path: string;
  /** The port requests and replies go through. */
  port: MessagePort;
  /** Int32Array[1] over a SharedArrayBuffer: set to 1 and notified once the open result is posted. */
  opened: SharedArrayBuffer;
}

export const OP_CREATE = 0;
export const OP_UPDATE = 1;
export const OP_DELETE = 2;

/** Outcome codes of one write in a group. */
export const OK = 0;
export const EXISTS = 1;
export const NOT_FOUND = 2;
export const CONFLICT = 3;

/** One write of a group; its value is `data[off, off + len)`. */
export interface WireWrite {
  op: number;
  key: string;
  off: number;
  len: number;
  /** The expected modification revision, -1 for none. */
  expected: number;
  /** Expiry in epoch milliseconds, or null. */
  expires: number | null;
}

/** Rows as columns: `values[i]` is `data[offs[i], offs[i] + lens[i])`, or absent where `lens[i]` is -1. */
export interface Rows {
  keys: string[];
  nums: Float64Array;
  offs: Float64Array;
  lens: Float64Array;
  data: ArrayBuffer;
}

export type Request =
  | { t: 'commit'; writes: WireWrite[]; data: ArrayBuffer }
  | { t: 'get'; key: string; rev: number }
  | { t: 'list'; start: string; end: string; rev: number; fetch: number }
  | { t: 'history'; start: string; end: string; after: number; upTo: number; limit: number }
  | { t: 'expired'; now: number; limit: number }
  | { t: 'compactTo'; rev: number }
  | { t: 'compactChunk'; lo: number; hi: number }
  | { t: 'logSize' }
  | { t: 'close' };

/** A refusal of a read: the store's error of that code. */
export interface WireError {
  /** Broken: a WAL sync failed, the store must stop. */
  code: 'Compacted' | 'Unavailable' | 'Future' | 'Broken';
  message: string;
  requested?: number;
  compacted?: number;
}

/** The first message of the thread: the database is open (or why not). */
export type Opened = { ok: true; rev: number; compacted: number } | { ok: false; message: string };

/**
 * A group's outcome: per write, in `out[5 * i ...]`: the code, the revision, the create
 * revision, and the previous row's modification and create revision (-1 when none), whose
 * value is `prev` row `i` (length -1 when none).
 */
export interface CommitReply {
  out: Float64Array;
  prev: Rows;
  rev: number;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** Packs values into one ArrayBuffer, returning their offsets and lengths (-1 for absent). */
export function pack(values: (Uint8Array | null | undefined)[]): {
  data: ArrayBuffer;
  offs: Float64Array;
  lens: Float64Array;
} {
  let total = 0;
  for (const v of values) if (v) total += v.byteLength;
  const data = new ArrayBuffer(total);
  const bytes = new Uint8Array(data);
  const offs = new Float64Array(values.length);
  const lens = new Float64Array(values.length);
  let at = 0;
  values.forEach((v, i) => {
    offs[i] = at;
    if (!v) {
      lens[i] = -1;
      return;
    }
    bytes.set(v, at);
    lens[i] = v.byteLength;
    at += v.byteLength;
  });
  return { data, offs, lens };
}

/** Value `i` of packed rows as a Buffer over the shared data (no copy), or undefined. */
export function valueAt(rows: Pick<Rows, 'offs' | 'lens' | 'data'>, i: number): Buffer | undefined {
  const len = rows.lens[i]!;
  return len < 0 ? undefined : Buffer.from(rows.data, rows.offs[i]!, len);
}
