import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from './envelope.js';
import { capturedBodies } from './testing/captured.js';

describe('bodies captured from kubectl 1.32', () => {
  for (const c of capturedBodies()) {
    it(`decodes: ${c.command}`, () => {
      const got = decodeKubernetesProtobuf(Buffer.from(c.body, 'base64'));
      assert.deepEqual(got, c.json);
    });
  }

  it('never throws anything but a decode error on a truncated or bit-flipped body', () => {
    for (const c of capturedBodies()) {
      const body = Buffer.from(c.body, 'base64');
      for (let cut = 0; cut < body.length; cut += 7) {
        try {
          decodeKubernetesProtobuf(body.subarray(0, cut));
        } catch (err) {
          assert.equal((err as Error).name, 'ProtobufDecodeError', `${c.command} cut at ${cut}: ${err}`);
        }
      }
      for (let i = 4; i < body.length; i += 5) {
        const flipped = Buffer.from(body);
        flipped[i] = flipped[i]! ^ 0xa5;
        try {
          decodeKubernetesProtobuf(flipped);
        } catch (err) {
          assert.equal((err as Error).name, 'ProtobufDecodeError', `${c.command} byte ${i}: ${err}`);
        }
      }
    }
  });
});
