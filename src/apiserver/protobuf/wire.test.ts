import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtobufDecodeError } from './errors.js';
import { bytes, concat, int, str, tag, varint } from './testing/encode.js';
import { readFields, readPackedVarints, toInt32, toInt64, type WireField } from './wire.js';

const all = (b: Uint8Array): WireField[] => [...readFields(b)];
const malformed = (err: unknown) => isProtobufDecodeError(err) && err.problem === 'malformed';

describe('protobuf wire reader', () => {
  it('reads varints of every length, as unsigned 64-bit values', () => {
    for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 28n, 2n ** 35n + 5n, 2n ** 63n, 2n ** 64n - 1n]) {
      const [f] = all(concat(tag(1, 0), varint(v)));
      assert.deepEqual(f, { num: 1, type: 0, varint: v });
    }
  });

  it('converts negative int32 and int64 from their ten-byte form', () => {
    const [a, b] = all(concat(int(1, -5), int(2, -(2 ** 40))));
    assert.equal(toInt32((a as { varint: bigint }).varint), -5);
    assert.equal(toInt64((b as { varint: bigint }).varint), -(2 ** 40));
  });

  it('splits length-delimited fields and keeps their order', () => {
    const fields = all(concat(str(2, 'a'), int(1, 7), bytes(15, Uint8Array.of(1, 2))));
    assert.deepEqual(
      fields.map((f) => f.num),
      [2, 1, 15],
    );
    assert.deepEqual([...(fields[2] as { bytes: Uint8Array }).bytes], [1, 2]);
  });

  it('reads fixed64 and fixed32 fields', () => {
    const fields = all(concat(tag(3, 1), new Uint8Array(8), tag(4, 5), new Uint8Array(4)));
    assert.deepEqual(
      fields.map((f) => [f.num, f.type]),
      [
        [3, 1],
        [4, 5],
      ],
    );
  });

  it('reads packed varints', () => {
    assert.deepEqual(readPackedVarints(concat(varint(1), varint(300), varint(2))), [1n, 300n, 2n]);
  });

  it('rejects truncated, overlong and invalid input as malformed', () => {
    const bad = [
      Uint8Array.of(0x0a, 0x05, 0x61), // length 5, one byte left
      Uint8Array.of(0x08), // tag without its varint
      Uint8Array.of(0x08, 0x80, 0x80), // unterminated varint
      concat(tag(1, 0), Uint8Array.from(Array(11).fill(0xff))), // varint over 10 bytes
      Uint8Array.of(0x00, 0x01), // field number 0
      concat(tag(1, 3)), // start group
      concat(tag(1, 7)), // no such wire type
      concat(tag(1, 1), Uint8Array.of(1, 2, 3)), // short fixed64
      concat(tag(1, 2), varint(2n ** 62n)), // absurd length
    ];
    for (const b of bad) assert.throws(() => all(b), malformed, `bytes ${[...b]}`);
  });
});
