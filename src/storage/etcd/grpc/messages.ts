/**
 * The etcd v3 messages the store sends and reads (field numbers from etcd's
 * api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto), encoded and decoded by hand: the
 * requests of Range, Txn, DeleteRange, Compact and LeaseGrant, their responses, and the
 * Compare / RequestOp / ResponseOp / KeyValue / ResponseHeader parts they are made of.
 * Fields the store never sets are not written; fields it never reads (cluster and member IDs,
 * raft term, a key's lease) are skipped when decoding. Decoded keys and values are views
 * into the response buffer. Pure: no I/O.
 */
import { LENGTH, Reader, VARINT, Writer } from '../../../util/proto-wire.js';

// ---- shapes ---------------------------------------------------------------------------

export interface KeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

export interface RangeRequest {
  key: Buffer;
  /** Exclusive end; absent for a single key. */
  rangeEnd?: Buffer;
  limit?: number;
  /** 0 or absent: the latest revision. */
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResponse {
  /** The store's revision when the range was served (ResponseHeader.revision). */
  revision: number;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  /** Lease ID as a decimal string (64 bits); absent or "0" for none. */
  lease?: string;
}

export interface PutResponse {
  revision: number;
}

export interface DeleteRangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  revision: number;
  deleted: number;
  prevKvs: KeyValue[];
}

/** Compare.CompareResult. */
export type CompareResult = 'equal' | 'greater' | 'less' | 'notEqual';
/** The numeric Compare.CompareTarget members (the value and lease targets are not used). */
export type CompareTarget = 'version' | 'create' | 'mod';

export interface Compare {
  key: Buffer;
  target: CompareTarget;
  result: CompareResult;
  /** What the target is compared with: a version, create revision or mod revision. */
  value: number;
}

export type RequestOp = { range: RangeRequest } | { put: PutRequest } | { deleteRange: DeleteRangeRequest };

export interface ResponseOp {
  range?: RangeResponse;
  put?: PutResponse;
  deleteRange?: DeleteRangeResponse;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  revision: number;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  revision: number;
}

export interface LeaseGrantRequest {
  ttlSeconds: number;
}

export interface LeaseGrantResponse {
  /** The lease ID as a decimal string (64 bits). */
  id: string;
  ttlSeconds: number;
  /** etcd's error text, if the grant failed. */
  error: string;
}

// ---- requests -------------------------------------------------------------------------

const RESULTS: Record<CompareResult, number> = { equal: 0, greater: 1, less: 2, notEqual: 3 };
/** Target enum value, and the field of the target_union oneof that carries its operand. */
const TARGETS: Record<CompareTarget, [number, number]> = { version: [0, 4], create: [1, 5], mod: [2, 6] };

function writeRange(w: Writer, r: RangeRequest): void {
  w.bytes(1, r.key);
  w.bytes(2, r.rangeEnd);
  w.int64(3, r.limit);
  w.int64(4, r.revision);
  w.bool(8, r.keysOnly);
  w.bool(9, r.countOnly);
}

function writePut(w: Writer, p: PutRequest): void {
  w.bytes(1, p.key);
  w.bytes(2, p.value);
  w.int64String(3, p.lease);
}

function writeDeleteRange(w: Writer, d: DeleteRangeRequest): void {
  w.bytes(1, d.key);
  w.bytes(2, d.rangeEnd);
  w.bool(3, d.prevKv);
}

function writeCompare(w: Writer, c: Compare): void {
  const [target, operand] = TARGETS[c.target];
  w.enum(1, RESULTS[c.result]);
  w.enum(2, target);
  w.bytes(3, c.key);
  w.int64(operand, c.value, true);
}

function writeRequestOp(w: Writer, op: RequestOp): void {
  if ('range' in op) w.message(1, (m) => writeRange(m, op.range));
  else if ('put' in op) w.message(2, (m) => writePut(m, op.put));
  else w.message(3, (m) => writeDeleteRange(m, op.deleteRange));
}

/** Rough size of a request, so that the writer rarely grows. */
function sizeHint(...parts: (Buffer | undefined)[]): number {
  let n = 64;
  for (const p of parts) n += p?.byteLength ?? 0;
  return n;
}

function opBytes(op: RequestOp): number {
  if ('put' in op) return op.put.key.byteLength + op.put.value.byteLength + 32;
  const key = 'range' in op ? op.range.key : op.deleteRange.key;
  return key.byteLength * 2 + 32;
}

/** Each `encode*` returns one gRPC frame (prefix included), ready to send. */
export function encodeRangeRequest(r: RangeRequest): Buffer {
  const w = new Writer(sizeHint(r.key, r.rangeEnd), true);
  writeRange(w, r);
  return w.frame();
}

export function encodeTxnRequest(t: TxnRequest): Buffer {
  let hint = 64;
  for (const c of t.compare) hint += c.key.byteLength + 24;
  for (const op of t.success) hint += opBytes(op);
  for (const op of t.failure) hint += opBytes(op);
  const w = new Writer(hint, true);
  for (const c of t.compare) w.message(1, (m) => writeCompare(m, c));
  for (const op of t.success) w.message(2, (m) => writeRequestOp(m, op));
  for (const op of t.failure) w.message(3, (m) => writeRequestOp(m, op));
  return w.frame();
}

export function encodeDeleteRangeRequest(d: DeleteRangeRequest): Buffer {
  const w = new Writer(sizeHint(d.key, d.rangeEnd), true);
  writeDeleteRange(w, d);
  return w.frame();
}

export function encodeCompactionRequest(c: CompactionRequest): Buffer {
  const w = new Writer(32, true);
  w.int64(1, c.revision);
  w.bool(2, c.physical);
  return w.frame();
}

export function encodeLeaseGrantRequest(l: LeaseGrantRequest): Buffer {
  const w = new Writer(32, true);
  w.int64(1, l.ttlSeconds);
  return w.frame();
}

// ---- responses ------------------------------------------------------------------------

const EMPTY = Buffer.alloc(0);

function tagOf(field: number, wireType: number): number {
  return field * 8 + wireType;
}

const T1_LEN = tagOf(1, LENGTH);
const T2_LEN = tagOf(2, LENGTH);
const T3_LEN = tagOf(3, LENGTH);
const T2_VAR = tagOf(2, VARINT);
const T3_VAR = tagOf(3, VARINT);
const T4_VAR = tagOf(4, VARINT);
const T4_LEN = tagOf(4, LENGTH);
const T5_LEN = tagOf(5, LENGTH);

/** ResponseHeader: only the revision is kept. */
export function readHeaderRevision(r: Reader): number {
  let revision = 0;
  while (!r.done) {
    const t = r.tag();
    if (t === T3_VAR) revision = r.varint();
    else r.skip(t);
  }
  return revision;
}

export function readKeyValue(r: Reader): KeyValue {
  const kv: KeyValue = { key: EMPTY, value: EMPTY, createRevision: 0, modRevision: 0, version: 0 };
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) kv.key = r.bytes();
    else if (t === T2_VAR) kv.createRevision = r.varint();
    else if (t === T3_VAR) kv.modRevision = r.varint();
    else if (t === T4_VAR) kv.version = r.varint();
    else if (t === T5_LEN) kv.value = r.bytes();
    else r.skip(t);
  }
  return kv;
}

function readRange(r: Reader): RangeResponse {
  const res: RangeResponse = { revision: 0, kvs: [], more: false, count: 0 };
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) res.revision = readHeaderRevision(r.sub());
    else if (t === T2_LEN) res.kvs.push(readKeyValue(r.sub()));
    else if (t === T3_VAR) res.more = r.bool();
    else if (t === T4_VAR) res.count = r.varint();
    else r.skip(t);
  }
  return res;
}

/** PutResponse and CompactionResponse: the header's revision (a put's previous value is never asked for). */
function readHeaderOnly(r: Reader): PutResponse {
  let revision = 0;
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) revision = readHeaderRevision(r.sub());
    else r.skip(t);
  }
  return { revision };
}

function readDeleteRange(r: Reader): DeleteRangeResponse {
  const res: DeleteRangeResponse = { revision: 0, deleted: 0, prevKvs: [] };
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) res.revision = readHeaderRevision(r.sub());
    else if (t === T2_VAR) res.deleted = r.varint();
    else if (t === T3_LEN) res.prevKvs.push(readKeyValue(r.sub()));
    else r.skip(t);
  }
  return res;
}

function readResponseOp(r: Reader): ResponseOp {
  const op: ResponseOp = {};
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) op.range = readRange(r.sub());
    else if (t === T2_LEN) op.put = readHeaderOnly(r.sub());
    else if (t === T3_LEN) op.deleteRange = readDeleteRange(r.sub());
    else r.skip(t); // nested transactions (field 4) are never sent
  }
  return op;
}

export function decodeRangeResponse(buf: Buffer): RangeResponse {
  return readRange(new Reader(buf));
}

export function decodeTxnResponse(buf: Buffer): TxnResponse {
  const r = new Reader(buf);
  const res: TxnResponse = { revision: 0, succeeded: false, responses: [] };
  while (!r.done) {
    const t = r.tag();
    if (t === T1_LEN) res.revision = readHeaderRevision(r.sub());
    else if (t === T2_VAR) res.succeeded = r.bool();
    else if (t === T3_LEN) res.responses.push(readResponseOp(r.sub()));
    else r.skip(t);
  }
  return res;
}

export function decodeDeleteRangeResponse(buf: Buffer): DeleteRangeResponse {
  return readDeleteRange(new Reader(buf));
}

export function decodeCompactionResponse(buf: Buffer): CompactionResponse {
  return readHeaderOnly(new Reader(buf));
}

export function decodeLeaseGrantResponse(buf: Buffer): LeaseGrantResponse {
  const r = new Reader(buf);
  const res: LeaseGrantResponse = { id: '0', ttlSeconds: 0, error: '' };
  while (!r.done) {
    const t = r.tag();
    if (t === T2_VAR) res.id = r.int64String();
    else if (t === T3_VAR) res.ttlSeconds = r.varint();
    else if (t === T4_LEN) res.error = r.string();
    else r.skip(t);
  }
  return res;
}
