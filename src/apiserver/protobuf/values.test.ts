import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtobufDecodeError } from './errors.js';
import { formatDuration, formatTimestamp } from './values.js';

describe('timestamps', () => {
  it('writes Time in whole seconds and MicroTime with six fractional digits, in UTC', () => {
    const s = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    assert.equal(formatTimestamp(s, 0n, false), '2026-01-02T03:04:05Z');
    assert.equal(formatTimestamp(s, 123_456_789n, false), '2026-01-02T03:04:05Z');
    assert.equal(formatTimestamp(s, 123_456_789n, true), '2026-01-02T03:04:05.123456Z');
    assert.equal(formatTimestamp(s, 0n, true), '2026-01-02T03:04:05.000000Z');
    assert.equal(formatTimestamp(0n, 0n, false), '1970-01-01T00:00:00Z');
  });

  it('carries nanoseconds outside one second into the seconds', () => {
    assert.equal(formatTimestamp(10n, 1_500_000_000n, true), '1970-01-01T00:00:11.500000Z');
    assert.equal(formatTimestamp(10n, -500_000_000n, true), '1970-01-01T00:00:09.500000Z');
    assert.equal(formatTimestamp(-1n, 0n, false), '1969-12-31T23:59:59Z');
  });

  it('rejects years RFC 3339 cannot write', () => {
    assert.throws(() => formatTimestamp(253_402_300_800n, 0n, false), isProtobufDecodeError);
    assert.throws(() => formatTimestamp(-62_167_219_201n, 0n, false), isProtobufDecodeError);
    assert.equal(formatTimestamp(253_402_300_799n, 0n, false), '9999-12-31T23:59:59Z');
  });
});

describe('durations', () => {
  const ns = (n: number) => BigInt(n);
  const s = 1_000_000_000;
  it('prints hours, minutes and seconds as Go does', () => {
    assert.equal(formatDuration(0n), '0s');
    assert.equal(formatDuration(ns(3600 * s)), '1h0m0s');
    assert.equal(formatDuration(ns(90 * s)), '1m30s');
    assert.equal(formatDuration(ns(1.5 * s)), '1.5s');
    assert.equal(formatDuration(ns(72 * 3600 * s + 3 * 60 * s) + 500_000_000n), '72h3m0.5s');
    assert.equal(formatDuration(ns(-3 * s)), '-3s');
  });

  it('uses ns, µs and ms below one second', () => {
    assert.equal(formatDuration(500n), '500ns');
    assert.equal(formatDuration(1500n), '1.5µs');
    assert.equal(formatDuration(2_000_000n), '2ms');
    assert.equal(formatDuration(1_234_567n), '1.234567ms');
  });

  it('handles the extremes of int64', () => {
    assert.equal(formatDuration(2n ** 63n - 1n), '2562047h47m16.854775807s');
    assert.equal(formatDuration(-(2n ** 63n)), '-2562047h47m16.854775808s');
  });
});
