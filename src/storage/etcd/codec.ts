/**
 * Translation between the store's view (string keys under a namespace, `KeyValue` and
 * `WatchEvent`) and etcd's messages (byte keys with the store's prefix). Pure: no I/O and
 * no etcd calls; it must not know about retries or errors beyond the shapes it converts.
 */
import type { KeyValue, WatchEvent } from '../types.js';
import type { KeyValue as EtcdKeyValue } from './grpc/messages.js';
import type { WatchEventMessage } from './grpc/watch-messages.js';

/** etcd rejects an empty key; "\0" is the smallest key there is, so a range from it is "everything". */
const ZERO_KEY = Buffer.from([0]);

export interface KeyRange {
  key: Buffer;
  /** Exclusive end; "\0" means "to the end of the keyspace", as in etcd. */
  end: Buffer;
}

export class KeyCodec {
  readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix, 'utf8');
  }

  /** The etcd key for a store key. */
  encode(key: string): Buffer {
    const k = Buffer.from(key, 'utf8');
    return this.prefix.length === 0 ? k : Buffer.concat([this.prefix, k]);
  }

  /** The store key for an etcd key inside the namespace. */
  decode(key: Buffer): string {
    return key.subarray(this.prefix.length).toString('utf8');
  }

  /** A start key for a range: the encoded key, or "\0" when that would be empty. */
  start(key: string): Buffer {
    const k = this.encode(key);
    return k.length === 0 ? ZERO_KEY : k;
  }

  /** The etcd range holding every store key that starts with `prefix`. */
  range(prefix: string): KeyRange {
    const key = this.encode(prefix);
    return { key: key.length === 0 ? ZERO_KEY : key, end: bytesPrefixEnd(key) };
  }

  /** A key that exists in no listing (used for cheap revision probes). */
  get probeKey(): Buffer {
    return this.prefix.length === 0 ? ZERO_KEY : this.prefix;
  }

  toKeyValue(kv: EtcdKeyValue): KeyValue {
    return {
      key: this.decode(kv.key),
      value: kv.value,
      createRevision: kv.createRevision,
      modRevision: kv.modRevision,
    };
  }

  /** One etcd event as a store event. A put at version 1 is a create. */
  toWatchEvent(ev: WatchEventMessage): WatchEvent {
    const revision = ev.kv.modRevision;
    const key = this.decode(ev.kv.key);
    const prevKv = ev.prevKv ? this.toKeyValue(ev.prevKv) : undefined;
    if (ev.type === 'delete')
      return prevKv ? { type: 'delete', key, revision, prevKv } : { type: 'delete', key, revision };
    const kv = this.toKeyValue(ev.kv);
    const out: WatchEvent = {
      type: kv.createRevision === kv.modRevision ? 'create' : 'update',
      key,
      revision,
      kv,
    };
    if (prevKv && out.type === 'update') out.prevKv = prevKv;
    return out;
  }
}

/** etcd's prefix end on bytes: drop trailing 0xff bytes, then increment the last byte. */
export function bytesPrefixEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i]!;
    if (b < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = b + 1;
      return end;
    }
  }
  return ZERO_KEY;
}

/** Whether a live value is byte-for-byte the value a write sent. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
