/** Key translation between the store and etcd. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IKeyValue } from 'etcd3';
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
  it('namespaces keys and maps a put at version 1 to a create', () => {
    const c = new KeyCodec('/ns');
    assert.deepEqual(c.encode('/a'), Buffer.from('/ns/a'));
    assert.equal(c.decode(Buffer.from('/ns/a')), '/a');
    assert.deepEqual(c.range(''), { key: Buffer.from('/ns'), end: Buffer.from('/nt') });
    assert.deepEqual(new KeyCodec('').range(''), { key: Buffer.from([0]), end: Buffer.from([0]) });
    const kv = {
      key: Buffer.from('/ns/a'),
      value: Buffer.from('v'),
      create_revision: '5',
      mod_revision: '5',
    };
    // etcd3's types say prev_kv is always there; on the wire it is null for a create.
    const prevKv = null as unknown as IKeyValue;
    const ev = c.toWatchEvent({ type: 'Put', kv: { ...kv, version: '1', lease: '0' }, prev_kv: prevKv });
    assert.equal(ev.type, 'create');
    assert.equal(ev.prevKv, undefined);
  });
});
