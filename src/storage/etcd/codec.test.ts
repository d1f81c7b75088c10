/** Key translation between the store and etcd. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesPrefixEnd, KeyCodec } from './codec.js';

describe('key ranges', () => {
  it('computes etcd prefix ends on bytes', () => {
    assert.deepEqual(bytesPrefixEnd(Buffer.from('/a/')), Buffer.from('/a0'));
    assert.deepEqual(bytesPrefixEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from('b'));
    assert.deepEqual(bytesPrefixEnd(Buffer.from([0xff])), Buffer.from([0]));
    assert.deepEqual(bytesPrefixEnd(Buffer.alloc(0)), Buffer.from([0]));
  });
});

describe('key codec', () => {
  it('namespaces keys and maps a put of a new key to a create', () => {
    const c = new KeyCodec('/ns');
    assert.deepEqual(c.encode('/a'), Buffer.from('/ns/a'));
    assert.equal(c.decode(Buffer.from('/ns/a')), '/a');
    assert.deepEqual(c.range(''), { key: Buffer.from('/ns'), end: Buffer.from('/nt') });
    assert.deepEqual(new KeyCodec('').range(''), { key: Buffer.from([0]), end: Buffer.from([0]) });
    const kv = {
      key: Buffer.from('/ns/a'),
      value: Buffer.from('v'),
      createRevision: 5,
      modRevision: 5,
      version: 1,
    };
    const ev = c.toWatchEvent({ type: 'put', kv });
    assert.deepEqual(ev, {
      type: 'create',
      key: '/a',
      revision: 5,
      kv: { key: '/a', value: kv.value, createRevision: 5, modRevision: 5 },
    });
  });

  it('maps updates and deletes with their previous values', () => {
    const c = new KeyCodec('/ns');
    const prevKv = {
      key: Buffer.from('/ns/a'),
      value: Buffer.from('v1'),
      createRevision: 5,
      modRevision: 5,
      version: 1,
    };
    const kv = { ...prevKv, value: Buffer.from('v2'), modRevision: 9, version: 2 };
    const up = c.toWatchEvent({ type: 'put', kv, prevKv });
    assert.equal(up.type, 'update');
    assert.equal(up.revision, 9);
    assert.equal(up.prevKv?.modRevision, 5);
    const del = c.toWatchEvent({
      type: 'delete',
      kv: { ...kv, value: Buffer.alloc(0), modRevision: 12 },
      prevKv: kv,
    });
    assert.deepEqual(
      { type: del.type, key: del.key, revision: del.revision, prev: del.prevKv?.value.toString() },
      { type: 'delete', key: '/a', revision: 12, prev: 'v2' },
    );
  });
});
