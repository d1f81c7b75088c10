import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { milliValue, value } from './quantity.js';

describe('quantities', () => {
  it('reads CPU in millicores, rounding up', () => {
    assert.equal(milliValue('100m'), 100);
    assert.equal(milliValue('0.1'), 100);
    assert.equal(milliValue('1.5'), 1500);
    assert.equal(milliValue('2'), 2000);
    assert.equal(milliValue('1u'), 1);
    assert.equal(milliValue('250000n'), 1);
    assert.equal(milliValue(3), 3000);
  });

  it('reads binary and decimal suffixes and exponents exactly', () => {
    assert.equal(value('1Ki'), 1024);
    assert.equal(value('128Mi'), 128 * 1024 * 1024);
    assert.equal(value('1.5Gi'), 1.5 * 1024 ** 3);
    assert.equal(value('1k'), 1000);
    assert.equal(value('2M'), 2_000_000);
    assert.equal(value('1e3'), 1000);
    assert.equal(value('1E6'), 1_000_000);
    assert.equal(value('100m'), 1, 'a fraction of a unit rounds up');
    assert.equal(value('110'), 110);
  });

  it('counts malformed input as zero', () => {
    assert.equal(value('lots'), 0);
    assert.equal(milliValue(''), 0);
    assert.equal(value(undefined), 0);
  });
});
