/** Protocol buffers primitives: varint boundaries, 64-bit IDs, nested lengths, framing, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_PREFIX, Reader, WireError, Writer } from './proto-wire.js';

function roundTripInt64(n: number): number {
  const w = new Writer(4);
  w.int64(1, n, true);
  const r = new Reader(w.finish());
  assert.equal(r.tag(), 1 * 8 + 0);
  const v = r.varint();
  assert.ok(r.done);
  return v;
}

describe('protobuf wire', () => {
  it('round-trips int64 varints across every byte-length boundary up to 2^53', () => {
    const values = [
      0,
      1,
      127,
      128,
      16_383,
      16_384,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32,
      5_000_000_000,
      2 ** 53 - 1,
    ];
    for (const n of values) assert.equal(roundTripInt64(n), n);
  });

  it('writes int64 zero only for oneof members and rejects unsafe numbers', () => {
    const w = new Writer();
    w.int64(1, 0);
    assert.equal(w.finish().byteLength, 0);
    w.int64(2, 0, true);
    assert.deepEqual([...w.finish()], [0x10, 0]);
    assert.throws(() => new Writer().int64(1, 2 ** 53), RangeError);
  });

  it('writes negative int64 as ten bytes and reads 64-bit IDs exactly as strings', () => {
    const w = new Writer();
    w.int64(1, -1);
    w.int64String(2, '9223372036854775807');
    w.int64String(3, '-2');
    w.int64String(4, '0');
    const r = new Reader(w.finish());
    assert.equal(r.tag(), 8);
    assert.equal(r.int64String(), '-1');
    assert.equal(r.tag(), 16);
    assert.equal(r.int64String(), '9223372036854775807');
    assert.equal(r.tag(), 24);
    assert.equal(r.int64String(), '-2');
    assert.ok(r.done, 'a zero ID is not written');
  });

  it('nests messages whose length varints take one, two and three bytes', () => {
    for (const size of [0, 1, 127, 128, 16_383, 16_384, 1 << 20]) {
      const payload = Buffer.alloc(size, 0xab);
      const w = new Writer(8);
      w.message(1, (m) => {
        m.message(2, (inner) => inner.bytes(3, payload));
        m.bool(4, true);
      });
      w.int64(5, 42);
      const r = new Reader(w.finish());
      assert.equal(r.tag(), 1 * 8 + 2);
      const outer = r.sub();
      assert.equal(outer.tag(), 2 * 8 + 2);
      const inner = outer.sub();
      if (size > 0) {
        assert.equal(inner.tag(), 3 * 8 + 2);
        assert.ok(inner.bytes().equals(payload));
      }
      assert.ok(inner.done);
      assert.equal(outer.tag(), 4 * 8);
      assert.equal(outer.bool(), true);
      assert.ok(outer.done);
      assert.equal(r.tag(), 5 * 8);
      assert.equal(r.varint(), 42);
      assert.ok(r.done);
    }
  });

  it('frames a message with the gRPC prefix', () => {
    const w = new Writer(2, true);
    w.bytes(1, Buffer.from('hello'));
    const f = w.frame();
    assert.equal(f[0], 0);
    assert.equal(f.readUInt32BE(1), f.byteLength - FRAME_PREFIX);
    assert.deepEqual([...f.subarray(FRAME_PREFIX)], [0x0a, 5, ...Buffer.from('hello')]);
    assert.throws(() => new Writer().frame());
  });

  it('skips fields of every wire type', () => {
    const w = new Writer();
    w.int64(1, 300);
    w.bytes(2, Buffer.from('xyz'));
    const fixed = Buffer.from([(3 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, (4 << 3) | 5, 1, 2, 3, 4]);
    const buf = Buffer.concat([w.finish(), fixed, Buffer.from([(5 << 3) | 0, 7])]);
    const r = new Reader(buf);
    for (let i = 0; i < 4; i++) r.skip(r.tag());
    assert.equal(r.tag(), 5 << 3);
    assert.equal(r.varint(), 7);
    assert.ok(r.done);
  });

  it('refuses truncated and malformed input instead of reading past the end', () => {
    assert.throws(() => new Reader(Buffer.from([0x80])).varint(), WireError);
    assert.throws(() => new Reader(Buffer.alloc(11, 0xff)).varint(), WireError);
    assert.throws(() => new Reader(Buffer.from([5, 1, 2])).bytes(), WireError);
    assert.throws(() => new Reader(Buffer.from([5, 1, 2])).sub(), WireError);
    assert.throws(() => new Reader(Buffer.from([(1 << 3) | 1, 1, 2])).skip((1 << 3) | 1), WireError);
    assert.throws(() => new Reader(Buffer.from([0])).skip((1 << 3) | 3), WireError);
    // A nested reader stops at its own end even though the buffer goes on.
    const nested = new Reader(Buffer.from([0x80, 0x01]), 0, 1);
    assert.throws(() => nested.varint(), WireError);
  });
});
