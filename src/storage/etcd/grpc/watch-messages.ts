/**
 * The messages of etcd's Watch stream (field numbers from api/etcdserverpb/rpc.proto and
 * api/mvccpb/kv.proto), by hand: the WatchRequest that creates a watcher, and the
 * WatchResponse with its mvccpb.Event list. Filters, fragments, cancel and progress
 * requests are never sent. Decoded keys and values are views into the response. Pure.
 */

import { LENGTH, Reader, VARINT, Writer } from '../../../util/proto-wire.js';
import { type KeyValue, readHeaderRevision, readKeyValue } from './messages.js';

export interface WatchCreateRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  /** The first revision to deliver (0: from now). */
  startRevision: number;
  progressNotify?: boolean;
  prevKv?: boolean;
}

export interface WatchEventMessage {
  type: 'put' | 'delete';
  kv: KeyValue;
  /** The key before the event, when the watcher asked for it and the key existed. */
  prevKv?: KeyValue;
}

export interface WatchResponse {
  /** ResponseHeader.revision. */
  revision: number;
  /** Decimal string: "-1" marks the answer to a (never sent) manual progress request. */
  watchId: string;
  created: boolean;
  canceled: boolean;
  compactRevision: number;
  cancelReason: string;
  events: WatchEventMessage[];
}

/** One gRPC frame holding a WatchRequest with a create_request. */
export function encodeWatchCreate(c: WatchCreateRequest): Buffer {
  const w = new Writer(c.key.byteLength + (c.rangeEnd?.byteLength ?? 0) + 32, true);
  w.message(1, (m) => {
    m.bytes(1, c.key);
    m.bytes(2, c.rangeEnd);
    m.int64(3, c.startRevision);
    m.bool(4, c.progressNotify);
    m.bool(6, c.prevKv);
  });
  return w.frame();
}

const T1_LEN = 1 * 8 + LENGTH;
const T1_VAR = 1 * 8 + VARINT;
const T2_LEN = 2 * 8 + LENGTH;
const T2_VAR = 2 * 8 + VARINT;
const T3_LEN = 3 * 8 + LENGTH;
const T3_VAR = 3 * 8 + VARINT;
const T4_VAR = 4 * 8 + VARINT;
const T5_VAR = 5 * 8 + VARINT;
const T6_LEN = 6 * 8 + LENGTH;
const T11_LEN = 11 * 8 + LENGTH;

function readEvent(r: Reader): WatchEventMessage {
  let type: WatchEventMessage['type'] = 'put';
  let kv: KeyValue | undefined;
  let prevKv: KeyValue | undefined;
  while (!r.done) {
    const t = r.tag();
    if (t === T1_VAR) type = r.varint() === 1 ? 'delete' : 'put';
    else if (t === T2_LEN) kv = readKeyValue(r.sub());
    else if (t === T3_LEN) prevKv = readKeyValue(r.sub());
    else r.skip(t);
  }
  // An event always carries its key; a missing one would only come from a broken peer.
  const ev: WatchEventMessage = {
    type,
    kv: kv ?? { key: Buffer.alloc(0), value: Buffer.alloc(0), createRevision: 0, modRevision: 0, version: 0 },
  };
  if (prevKv) ev.prevKv = prevKv;
  return ev;
}

export function decodeWatchResponse(buf: Buffer): WatchResponse {
  const r = new Reader(buf);
  const res: WatchResponse = {
    revision: 0,
    watchId: '0',
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: '',
    events: [],
  };
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) res.revision = readHeaderRevision(r.sub());
    else if (t === T2_VAR) res.watchId = r.int64String();
    else if (t === T3_VAR) res.created = r.bool();
    else if (t === T4_VAR) res.canceled = r.bool();
    else if (t === T5_VAR) res.compactRevision = r.varint();
    else if (t === T6_LEN) res.cancelReason = r.string();
    else if (t === T11_LEN) res.events.push(readEvent(r.sub()));
    else r.skip(t);
  }
  return res;
}
