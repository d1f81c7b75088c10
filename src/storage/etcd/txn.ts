/**
 * The etcd transactions behind the store's writes, one round trip each: the compare that
 * guards the write, the write, and in the failure branch a read of the key so that the
 * caller learns in the same trip whether the key is absent or what it holds now. Pure:
 * builds requests and reads responses, no I/O.
 */
import type { IKeyValue, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';

/** The key exists (etcd's create_revision is 0 for an absent key). */
function exists(key: Buffer) {
  return { key, target: 'Create', result: 'Greater', create_revision: 0 } as const;
}

function readKey(key: Buffer): IRequestOp {
  return { request_range: { key } };
}

/** Put `value` if `key` is absent. Failure branch: the live key. */
export function createTxn(key: Buffer, value: Buffer, lease: string | undefined): ITxnRequest {
  return {
    compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
    success: [{ request_put: { key, value, lease } }],
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
): ITxnRequest {
  return {
    compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: expected }, exists(key)],
    success: [{ request_put: { key, value, lease } }, { request_range: { key, keys_only: true } }],
    failure: [readKey(key)],
  };
}

/** Delete `key` (returning it) if it exists with modRevision `expected`. Failure branch: the live key. */
export function deleteTxn(key: Buffer, expected: number): ITxnRequest {
  return {
    compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: expected }, exists(key)],
    success: [{ request_delete_range: { key, prev_kv: true } }],
    failure: [readKey(key)],
  };
}

/** The revision a transaction committed at (for a write, its modRevision). */
export function txnRevision(res: ITxnResponse): number {
  return Number(res.header.revision);
}

/** The key read by the range at `index` of the branch that ran, if it exists. */
export function rangedKv(res: ITxnResponse, index: number): IKeyValue | undefined {
  return res.responses[index]?.response_range?.kvs[0];
}

/** The previous value returned by the delete at `index` of the branch that ran. */
export function deletedKv(res: ITxnResponse, index: number): IKeyValue | undefined {
  return res.responses[index]?.response_delete_range?.prev_kvs[0];
}
