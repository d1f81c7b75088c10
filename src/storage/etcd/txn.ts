/**
 * The etcd transactions behind the store's writes, one round trip each: the compare that
 * guards the write, the write, and in the failure branch a read of the key so that the
 * caller learns in the same trip whether the key is absent or what it holds now. Pure:
 * builds requests and reads responses, no I/O.
 */
import type { Compare, KeyValue, RequestOp, TxnRequest, TxnResponse } from './grpc/messages.js';

/** The key exists (etcd's create_revision is 0 for an absent key). */
function exists(key: Buffer): Compare {
  return { key, target: 'create', result: 'greater', value: 0 };
}

function readKey(key: Buffer): RequestOp {
  return { range: { key } };
}

/** Put `value` if `key` is absent. Failure branch: the live key. */
export function createTxn(key: Buffer, value: Buffer, lease: string | undefined): TxnRequest {
  return {
    compare: [{ key, target: 'create', result: 'equal', value: 0 }],
    success: [{ put: { key, value, lease } }],
    failure: [readKey(key)],
  };
}

/**
 * Put `value` if `key` exists with modRevision `expected`. Success branch: the put, then
 * the key without its value (for its createRevision). Failure branch: the live key, if any.
 */
export function updateTxn(
  key: Buffer,
  value: Buffer,
  expected: number,
  lease: string | undefined,
): TxnRequest {
  return {
    compare: [{ key, target: 'mod', result: 'equal', value: expected }, exists(key)],
    success: [{ put: { key, value, lease } }, { range: { key, keysOnly: true } }],
    failure: [readKey(key)],
  };
}

/** Delete `key` (returning it) if it exists with modRevision `expected`. Failure branch: the live key. */
export function deleteTxn(key: Buffer, expected: number): TxnRequest {
  return {
    compare: [{ key, target: 'mod', result: 'equal', value: expected }, exists(key)],
    success: [{ deleteRange: { key, prevKv: true } }],
    failure: [readKey(key)],
  };
}

/** The revision a transaction committed at (for a write, its modRevision). */
export function txnRevision(res: TxnResponse): number {
  return res.revision;
}

/** The key read by the range at `index` of the branch that ran, if it exists. */
export function rangedKv(res: TxnResponse, index: number): KeyValue | undefined {
  return res.responses[index]?.range?.kvs[0];
}

/** The previous value returned by the delete at `index` of the branch that ran. */
export function deletedKv(res: TxnResponse, index: number): KeyValue | undefined {
  return res.responses[index]?.deleteRange?.prevKvs[0];
}
