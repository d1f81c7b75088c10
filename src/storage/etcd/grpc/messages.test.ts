/**
 * The hand-written etcd messages against an independent implementation: protobufjs with
 * the same message definitions (field numbers as in etcd's rpc.proto and kv.proto) decodes
 * what we encode and encodes what we decode, including large values and int64 revisions
 * and IDs beyond 2^31 and 2^53.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { FRAME_PREFIX } from '../../../util/proto-wire.js';
import {
  decodeDeleteRangeResponse,
  decodeLeaseGrantResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeDeleteRangeRequest,
  encodeLeaseGrantRequest,
  encodeRangeRequest,
  encodeTxnRequest,
} from './messages.js';
import { decodeWatchResponse, encodeWatchCreate } from './watch-messages.js';

const SCHEMA = `
syntax = "proto3";
package t;
message KeyValue { bytes key = 1; int64 create_revision = 2; int64 mod_revision = 3; int64 version = 4; bytes value = 5; int64 lease = 6; }
message ResponseHeader { uint64 cluster_id = 1; uint64 member_id = 2; int64 revision = 3; uint64 raft_term = 4; }
message RangeRequest { bytes key = 1; bytes range_end = 2; int64 limit = 3; int64 revision = 4; int32 sort_order = 5;
  int32 sort_target = 6; bool serializable = 7; bool keys_only = 8; bool count_only = 9; }
message RangeResponse { ResponseHeader header = 1; repeated KeyValue kvs = 2; bool more = 3; int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; int64 lease = 3; bool prev_kv = 4; }
message PutResponse { ResponseHeader header = 1; KeyValue prev_kv = 2; }
message DeleteRangeRequest { bytes key = 1; bytes range_end = 2; bool prev_kv = 3; }
message DeleteRangeResponse { ResponseHeader header = 1; int64 deleted = 2; repeated KeyValue prev_kvs = 3; }
message RequestOp { oneof request { RangeRequest request_range = 1; PutRequest request_put = 2; DeleteRangeRequest request_delete_range = 3; } }
message ResponseOp { oneof response { RangeResponse response_range = 1; PutResponse response_put = 2; DeleteRangeResponse response_delete_range = 3; } }
message Compare { int32 result = 1; int32 target = 2; bytes key = 3;
  oneof target_union { int64 version = 4; int64 create_revision = 5; int64 mod_revision = 6; bytes value = 7; int64 lease = 8; }
  bytes range_end = 64; }
message TxnRequest { repeated Compare compare = 1; repeated RequestOp success = 2; repeated RequestOp failure = 3; }
message TxnResponse { ResponseHeader header = 1; bool succeeded = 2; repeated ResponseOp responses = 3; }
message CompactionRequest { int64 revision = 1; bool physical = 2; }
message LeaseGrantRequest { int64 TTL = 1; int64 ID = 2; }
message LeaseGrantResponse { ResponseHeader header = 1; int64 ID = 2; int64 TTL = 3; string error = 4; }
message Event { int32 type = 1; KeyValue kv = 2; KeyValue prev_kv = 3; }
message WatchCreateRequest { bytes key = 1; bytes range_end = 2; int64 start_revision = 3; bool progress_notify = 4;
  repeated int32 filters = 5; bool prev_kv = 6; int64 watch_id = 7; bool fragment = 8; }
message WatchRequest { oneof request_union { WatchCreateRequest create_request = 1; } }
message WatchResponse { ResponseHeader header = 1; int64 watch_id = 2; bool created = 3; bool canceled = 4;
  int64 compact_revision = 5; string cancel_reason = 6; bool fragment = 7; repeated Event events = 11; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const type = (name: string) => root.lookupType(`t.${name}`);

/** What protobufjs reads from one of our frames, int64s as decimal strings. */
function decodeOurs(name: string, frame: Buffer): Record<string, unknown> {
  assert.equal(frame[0], 0, 'uncompressed');
  assert.equal(frame.readUInt32BE(1), frame.byteLength - FRAME_PREFIX, 'length prefix');
  const t = type(name);
  return t.toObject(t.decode(frame.subarray(FRAME_PREFIX)), { longs: String, oneofs: true });
}

/** A message encoded by protobufjs (int64s given as decimal strings). */
function encodeTheirs(name: string, obj: Record<string, unknown>): Buffer {
  const t = type(name);
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

const BIG = 5_000_000_000; // beyond 2^32
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const LEASE = '7587869284392837211'; // beyond 2^53: only exact as a string

describe('etcd request encoding', () => {
  it('encodes a guarded update transaction as etcd reads it', () => {
    const key = Buffer.from('/registry/configmaps/default/a');
    const value = Buffer.alloc(1 << 20, 7);
    const got = decodeOurs(
      'TxnRequest',
      encodeTxnRequest({
        compare: [
          { key, target: 'mod', result: 'equal', value: BIG },
          { key, target: 'create', result: 'greater', value: 0 },
        ],
        success: [{ put: { key, value, lease: LEASE } }, { range: { key, keysOnly: true } }],
        failure: [{ range: { key } }],
      }),
    );
    assert.deepEqual(got, {
      compare: [
        { key, target: 2, mod_revision: String(BIG), target_union: 'mod_revision' },
        // Create = 1, Greater = 1; the operand 0 is sent, since the oneof's presence counts.
        { key, target: 1, result: 1, create_revision: '0', target_union: 'create_revision' },
      ],
      success: [
        { request_put: { key, value, lease: LEASE }, request: 'request_put' },
        { request_range: { key, keys_only: true }, request: 'request_range' },
      ],
      failure: [{ request_range: { key }, request: 'request_range' }],
    });
  });

  it('encodes a create and a delete transaction', () => {
    const key = Buffer.from('k');
    const create = decodeOurs(
      'TxnRequest',
      encodeTxnRequest({
        compare: [{ key, target: 'create', result: 'equal', value: 0 }],
        success: [{ put: { key, value: Buffer.from('v') } }],
        failure: [{ deleteRange: { key, prevKv: true } }],
      }),
    );
    assert.deepEqual(create, {
      compare: [{ key, target: 1, create_revision: '0', target_union: 'create_revision' }],
      success: [{ request_put: { key, value: Buffer.from('v') }, request: 'request_put' }],
      failure: [{ request_delete_range: { key, prev_kv: true }, request: 'request_delete_range' }],
    });
  });

  it('encodes ranges, deletes, compactions and lease grants', () => {
    const key = Buffer.from([0]);
    const end = Buffer.from('/nt');
    assert.deepEqual(
      decodeOurs('RangeRequest', encodeRangeRequest({ key, rangeEnd: end, limit: 500, revision: MAX_SAFE })),
      { key, range_end: end, limit: '500', revision: String(MAX_SAFE) },
    );
    assert.deepEqual(
      decodeOurs('RangeRequest', encodeRangeRequest({ key, countOnly: true, limit: 1, revision: 0 })),
      { key, count_only: true, limit: '1' },
    );
    assert.deepEqual(decodeOurs('DeleteRangeRequest', encodeDeleteRangeRequest({ key, rangeEnd: end })), {
      key,
      range_end: end,
    });
    assert.deepEqual(decodeOurs('CompactionRequest', encodeCompactionRequest({ revision: BIG })), {
      revision: String(BIG),
    });
    assert.deepEqual(decodeOurs('LeaseGrantRequest', encodeLeaseGrantRequest({ ttlSeconds: 3600 })), {
      TTL: '3600',
    });
  });
});

describe('etcd response decoding', () => {
  const header = {
    cluster_id: '18446744073709551615',
    member_id: '1',
    revision: String(BIG),
    raft_term: '9',
  };

  it('decodes a range with large values, big revisions and unknown-to-us fields', () => {
    const big = Buffer.alloc(1_500_000, 'x');
    const buf = encodeTheirs('RangeResponse', {
      header,
      kvs: [
        {
          key: Buffer.from('/a'),
          create_revision: '3',
          mod_revision: String(MAX_SAFE),
          version: '2',
          value: big,
          lease: LEASE,
        },
        {
          key: Buffer.from('/b'),
          create_revision: String(2 ** 31),
          mod_revision: String(2 ** 31 + 1),
          version: '1',
        },
      ],
      more: true,
      count: '12345678901',
    });
    const res = decodeRangeResponse(buf);
    assert.equal(res.revision, BIG);
    assert.equal(res.more, true);
    assert.equal(res.count, 12_345_678_901);
    assert.equal(res.kvs.length, 2);
    const [a, b] = res.kvs;
    assert.ok(a && b);
    assert.deepEqual(
      {
        key: a.key.toString(),
        createRevision: a.createRevision,
        modRevision: a.modRevision,
        version: a.version,
      },
      { key: '/a', createRevision: 3, modRevision: MAX_SAFE, version: 2 },
    );
    assert.ok(a.value.equals(big));
    assert.deepEqual(
      {
        key: b.key.toString(),
        value: b.value.byteLength,
        createRevision: b.createRevision,
        modRevision: b.modRevision,
      },
      { key: '/b', value: 0, createRevision: 2 ** 31, modRevision: 2 ** 31 + 1 },
    );
  });

  it('decodes an empty range (all defaults)', () => {
    assert.deepEqual(decodeRangeResponse(Buffer.alloc(0)), { revision: 0, kvs: [], more: false, count: 0 });
  });

  it('decodes both branches of a transaction', () => {
    const kv = {
      key: Buffer.from('/k'),
      create_revision: '7',
      mod_revision: String(BIG),
      version: '4',
      value: Buffer.from('v'),
    };
    const ok = decodeTxnResponse(
      encodeTheirs('TxnResponse', {
        header,
        succeeded: true,
        responses: [
          { response_put: { header: { revision: String(BIG) } } },
          { response_range: { header, kvs: [{ ...kv, value: Buffer.alloc(0) }], count: '1' } },
          { response_delete_range: { header, deleted: '1', prev_kvs: [kv] } },
        ],
      }),
    );
    assert.equal(ok.succeeded, true);
    assert.equal(ok.revision, BIG);
    assert.equal(ok.responses.length, 3);
    assert.equal(ok.responses[0]?.put?.revision, BIG);
    assert.equal(ok.responses[1]?.range?.kvs[0]?.createRevision, 7);
    const prev = ok.responses[2]?.deleteRange;
    assert.equal(prev?.deleted, 1);
    assert.equal(prev?.prevKvs[0]?.modRevision, BIG);
    assert.equal(prev?.prevKvs[0]?.value.toString(), 'v');

    const failed = decodeTxnResponse(
      encodeTheirs('TxnResponse', { header, responses: [{ response_range: { header } }] }),
    );
    assert.equal(failed.succeeded, false);
    assert.deepEqual(failed.responses[0]?.range?.kvs, []);
  });

  it('decodes deletes and lease grants, IDs exact over 64 bits', () => {
    const del = decodeDeleteRangeResponse(encodeTheirs('DeleteRangeResponse', { header, deleted: '0' }));
    assert.deepEqual(del, { revision: BIG, deleted: 0, prevKvs: [] });
    const lease = decodeLeaseGrantResponse(
      encodeTheirs('LeaseGrantResponse', { header, ID: LEASE, TTL: '63' }),
    );
    assert.deepEqual(lease, { id: LEASE, ttlSeconds: 63, error: '' });
    const refused = decodeLeaseGrantResponse(
      encodeTheirs('LeaseGrantResponse', { error: 'etcdserver: no space' }),
    );
    assert.equal(refused.error, 'etcdserver: no space');
  });

  it('refuses a truncated message', () => {
    const buf = encodeTheirs('RangeResponse', {
      header,
      kvs: [{ key: Buffer.from('/a'), value: Buffer.from('vvv') }],
    });
    assert.throws(() => decodeRangeResponse(buf.subarray(0, buf.byteLength - 2)));
  });
});

describe('etcd watch messages', () => {
  it('encodes the request that creates a watcher', () => {
    const key = Buffer.from([0]);
    const end = Buffer.from('/nt');
    assert.deepEqual(
      decodeOurs(
        'WatchRequest',
        encodeWatchCreate({ key, rangeEnd: end, startRevision: BIG, prevKv: true, progressNotify: true }),
      ),
      {
        create_request: {
          key,
          range_end: end,
          start_revision: String(BIG),
          prev_kv: true,
          progress_notify: true,
        },
        request_union: 'create_request',
      },
    );
  });

  it('decodes events, progress notices and cancellations', () => {
    const kv = {
      key: Buffer.from('/k'),
      create_revision: '7',
      mod_revision: String(BIG),
      version: '2',
      value: Buffer.from('v2'),
    };
    const prev = { ...kv, mod_revision: '7', version: '1', value: Buffer.from('v1') };
    const events = decodeWatchResponse(
      encodeTheirs('WatchResponse', {
        header: { revision: String(BIG) },
        watch_id: '3',
        events: [
          { kv, prev_kv: prev },
          { type: 1, kv: { key: Buffer.from('/gone'), mod_revision: String(BIG) } },
        ],
      }),
    );
    assert.equal(events.watchId, '3');
    assert.equal(events.revision, BIG);
    assert.equal(events.events.length, 2);
    const [put, del] = events.events;
    assert.equal(put?.type, 'put');
    assert.equal(put?.kv.modRevision, BIG);
    assert.equal(put?.kv.value.toString(), 'v2');
    assert.equal(put?.prevKv?.value.toString(), 'v1');
    assert.equal(del?.type, 'delete');
    assert.equal(del?.kv.key.toString(), '/gone');
    assert.equal(del?.prevKv, undefined);

    const progress = decodeWatchResponse(
      encodeTheirs('WatchResponse', { header: { revision: '99' }, watch_id: '-1' }),
    );
    assert.deepEqual(progress, {
      revision: 99,
      watchId: '-1',
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      events: [],
    });
    const cancelled = decodeWatchResponse(
      encodeTheirs('WatchResponse', {
        canceled: true,
        compact_revision: String(BIG),
        cancel_reason: 'compacted',
      }),
    );
    assert.equal(cancelled.canceled, true);
    assert.equal(cancelled.compactRevision, BIG);
    assert.equal(cancelled.cancelReason, 'compacted');
  });
});
