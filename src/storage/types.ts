/**
 * The storage contract: an MVCC key-value store with the etcd v3 semantics that the API
 * server needs. Every backend (SQLite, etcd) implements `Store` and passes the same
 * conformance suite (conformance.ts). Pure types: no I/O here.
 */

/** Largest value a store accepts, in bytes (etcd's default request limit is 1.5 MiB). */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
}

export interface WriteOptions {
  /** Delete the key automatically this many seconds after this write (Events use 1 h). */
  ttlSeconds?: number;
}

export interface ReadOptions {
  /** Read the state as of this revision; absent: the latest. */
  revision?: number;
}

export interface ListOptions extends ReadOptions {
  /** Return at most this many items (0 or absent: no limit). */
  limit?: number;
  /** An opaque token from a previous page; fixes the revision of the whole listing. */
  continue?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision this page (and every page of this listing) was read at. */
  revision: number;
  /** Number of keys in the range from the first returned key to the end, at `revision`. */
  count: number;
  /** Present when more items remain; pass it back as `continue`. */
  continue?: string;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  key: string;
  /** The revision of this change. */
  revision: number;
  /** The new value (create, update); absent on delete. */
  kv?: KeyValue;
  /** The value before the change (update, delete). */
  prevKv?: KeyValue;
}

export interface DeleteResult {
  revision: number;
  prevKv: KeyValue;
}

/**
 * The store. Every write is acknowledged only once durable, and returns the new global
 * revision, which is strictly greater than any revision acknowledged before it.
 *
 * Errors: NotFound, Exists, Conflict, Compacted, Unavailable, TooLarge (errors.ts).
 */
export interface Store {
  /** "sqlite" or "etcd". */
  readonly backend: string;

  /** Creates `key`. Fails with Exists if the key is live. */
  create(key: string, value: Uint8Array, opts?: WriteOptions): Promise<KeyValue>;

  /**
   * Replaces `key` if its modRevision is still `expectedModRevision`. Fails with NotFound if
   * the key is absent and with Conflict (carrying the current value) if it changed.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number, opts?: WriteOptions): Promise<KeyValue>;

  /**
   * Deletes `key`, guarded by `expectedModRevision` when given. Fails with NotFound if the key
   * is absent and with Conflict (carrying the current value) if it changed.
   */
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;

  /** Reads one key. Fails with NotFound if absent, Compacted if the revision is gone. */
  get(key: string, opts?: ReadOptions): Promise<KeyValue>;

  /** Lists keys starting with `prefix` in key order, as one consistent snapshot across pages. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** The latest revision. */
  currentRevision(): Promise<number>;

  /**
   * Every change to keys under `prefix` with a revision greater than `fromRevision`, in
   * revision order, each exactly once, until `signal` aborts (the iteration then ends
   * normally). Throws Compacted (on the first `next()`) when `fromRevision` is older than
   * the compaction point, and Unavailable when the watcher falls too far behind.
   */
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent>;

  /** Discards history older than `revision`; reads and watches before it fail with Compacted. */
  compact(revision: number): Promise<void>;

  /** The revision history has been compacted up to (0 if never). */
  compactRevision(): Promise<number>;

  close(): Promise<void>;
}

/** The end of the key range that starts with `prefix`, as etcd computes it. */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
