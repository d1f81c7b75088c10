/** gRPC message framing of a response stream: messages split and joined at any chunk boundary. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WireError } from '../../../util/proto-wire.js';
import { FrameReader } from './frames.js';

function frame(body: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.byteLength, 1);
  return Buffer.concat([prefix, body]);
}

const bodies = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 'b'), Buffer.from('last message')];
const stream = Buffer.concat(bodies.map(frame));

describe('gRPC frame reader', () => {
  it('returns every message whatever the chunk size', () => {
    for (const size of [1, 2, 5, 6, 7, 1000, 16_384, stream.byteLength]) {
      const r = new FrameReader();
      const got: Buffer[] = [];
      for (let at = 0; at < stream.byteLength; at += size)
        got.push(...r.push(stream.subarray(at, at + size)));
      assert.equal(got.length, bodies.length, `chunks of ${size}`);
      for (const [i, m] of got.entries()) {
        assert.ok(m.equals(bodies[i] as Buffer), `message ${i} with chunks of ${size}`);
      }
      assert.equal(r.buffered, 0);
    }
  });

  it('keeps a partial message until its last byte arrives', () => {
    const r = new FrameReader();
    const one = frame(Buffer.from('hello'));
    assert.deepEqual(r.push(one.subarray(0, 7)), []);
    assert.equal(r.buffered, 2);
    const [m] = r.push(one.subarray(7));
    assert.equal(m?.toString(), 'hello');
  });

  it('refuses compressed messages, which were never offered', () => {
    const bad = frame(Buffer.from('x'));
    bad[0] = 1;
    assert.throws(() => new FrameReader().push(bad), WireError);
  });
});
