/**
 * HPACK against RFC 7541's own examples (Appendix C.4: requests with Huffman coding,
 * sharing a dynamic table), the table's size rules, malformed blocks, and the encoder's
 * literals read back by the decoder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeaders, HpackDecoder, HpackError } from './hpack.js';
import { huffmanCode, huffmanDecode } from './huffman.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('HPACK decoder', () => {
  it('decodes the Huffman-coded requests of RFC 7541 C.4 with their shared dynamic table', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')), [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    assert.deepEqual(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')), [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    assert.deepEqual(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')), [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('evicts the oldest entries past the table size, and honours size updates within the limit', () => {
    const d = new HpackDecoder();
    // Literal with incremental indexing, new name: 0x40, name, value (each 1000 octets + 32).
    const add = (name: string) => {
      const value = 'v'.repeat(1000);
      return Buffer.concat([
        Buffer.from([0x40, name.length]),
        Buffer.from(name),
        encodeLength(1000),
        Buffer.from(value),
      ]);
    };
    for (const n of ['a', 'b', 'c', 'd', 'e']) d.decode(add(n));
    // 4 entries of 1033 octets do not fit in 4096: the table holds e, d, c (indexes 62-64).
    assert.equal(d.decode(Buffer.from([0x80 | 62]))[0]?.[0], 'e');
    assert.equal(d.decode(Buffer.from([0x80 | 64]))[0]?.[0], 'c');
    assert.throws(() => d.decode(Buffer.from([0x80 | 65])), HpackError);
    // A size update to 0 empties the table; one above the limit (5000 > 4096) is refused.
    d.decode(Buffer.from([0x20]));
    assert.throws(() => d.decode(Buffer.from([0x80 | 62])), HpackError);
    assert.throws(() => d.decode(Buffer.from([0x3f, 0xe9, 0x26])), HpackError);
  });

  it('refuses malformed blocks', () => {
    const d = new HpackDecoder();
    assert.throws(() => d.decode(Buffer.from([0x80])), HpackError, 'index 0');
    assert.throws(() => d.decode(Buffer.from([0x04, 0x05, 0x61])), HpackError, 'truncated string');
    assert.throws(() => d.decode(Buffer.from([0x0f])), HpackError, 'truncated integer');
    // 'a' is 00011 (5 bits): padding of 0s instead of 1s, then 8 bits of padding.
    assert.throws(() => d.decode(Buffer.from([0x04, 0x81, 0x18])), HpackError);
    assert.throws(() => d.decode(Buffer.from([0x04, 0x82, 0x1f, 0xff])), HpackError);
  });
});

describe('HPACK Huffman code', () => {
  it('is the RFC table: known codes, and every octet decodes to itself', () => {
    assert.deepEqual(huffmanCode(48), { code: 0x0, bits: 5 }); // '0'
    assert.deepEqual(huffmanCode(97), { code: 0x3, bits: 5 }); // 'a'
    assert.deepEqual(huffmanCode(0), { code: 0x1ff8, bits: 13 });
    assert.deepEqual(huffmanCode(256), { code: 0x3fffffff, bits: 30 }); // EOS
    for (let sym = 0; sym < 256; sym++) {
      const { code, bits } = huffmanCode(sym);
      // The code, then ones up to the next octet boundary.
      const pad = (8 - (bits % 8)) % 8;
      const total = bits + pad;
      let v = BigInt(code) * 2n ** BigInt(pad) + (2n ** BigInt(pad) - 1n);
      const bytes: number[] = [];
      for (let i = 0; i < total / 8; i++) {
        bytes.unshift(Number(v & 0xffn));
        v >>= 8n;
      }
      assert.equal(huffmanDecode(Uint8Array.from(bytes), 0, bytes.length), String.fromCharCode(sym));
    }
  });
});

describe('HPACK encoder', () => {
  it('writes literals the decoder reads back, with static names and long integers', () => {
    const fields: [string, string][] = [
      [':method', 'POST'],
      [':path', '/etcdserverpb.KV/Txn'],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
      ['x-long', 'z'.repeat(300)],
      ['n'.repeat(130), ''],
    ];
    const block = encodeHeaders(fields);
    assert.equal(block[0], 0x02, ':method by static name index');
    assert.deepEqual(new HpackDecoder().decode(block), fields);
  });
});

function encodeLength(n: number): Buffer {
  // A 7-bit prefix integer without the Huffman flag.
  const out = [0x7f];
  let rest = n - 0x7f;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}
