/** The ClusterIP range: usable addresses, the static band, canonical text, refused ranges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IPRange, parseIPv4 } from './ip-range.js';

describe('IPRange', () => {
  it('hands out every address but the network and broadcast ones', () => {
    const r = IPRange.parse('10.43.0.0/16');
    assert.equal(r.cidr, '10.43.0.0/16');
    assert.equal(r.size, 65534);
    assert.equal(r.first, '10.43.0.1');
    assert.equal(r.offsetOf('10.43.0.1'), 0);
    assert.equal(r.offsetOf('10.43.255.254'), 65533);
    assert.equal(r.offsetOf('10.43.0.0'), undefined);
    assert.equal(r.offsetOf('10.43.255.255'), undefined);
    assert.equal(r.offsetOf('10.44.0.1'), undefined);
    assert.equal(r.offsetOf('not-an-ip'), undefined);
    assert.equal(r.ipAt(r.offsetOf('10.43.7.9') ?? -1), '10.43.7.9');
  });

  it('sizes the static band like upstream: min(max(16, size/16), 256), none for tiny ranges', () => {
    assert.equal(IPRange.parse('10.43.0.0/16').staticSize, 256);
    assert.equal(IPRange.parse('10.43.0.0/22').staticSize, 64);
    assert.equal(IPRange.parse('10.43.0.0/24').staticSize, 16);
    assert.equal(IPRange.parse('10.43.0.0/28').staticSize, 0);
  });

  it('clears host bits and reads leading zeros as decimal', () => {
    assert.equal(IPRange.parse('10.43.9.9/16').cidr, '10.43.0.0/16');
    assert.equal(parseIPv4('010.043.000.005'), parseIPv4('10.43.0.5'));
    assert.equal(parseIPv4('10.43.0.256'), undefined);
    assert.equal(parseIPv4('10.43.0'), undefined);
  });

  it('refuses malformed, IPv6, too large and too small ranges with a message', () => {
    assert.throws(() => IPRange.parse('10.43.0.0'), /invalid service CIDR "10.43.0.0"/);
    assert.throws(() => IPRange.parse('fd00::/112'), /only IPv4 ranges are supported/);
    assert.throws(
      () => IPRange.parse('10.0.0.0/8'),
      /too large; for 32-bit addresses, the mask must be >= 12/,
    );
    assert.throws(() => IPRange.parse('10.43.0.0/31'), /too small/);
  });
});
