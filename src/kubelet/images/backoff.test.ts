/** The image pull back-off: 10 s, doubling to 300 s, forgotten after twice the maximum. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PullBackoff } from './backoff.js';

test('each failure doubles the delay up to the maximum', () => {
  const b = new PullBackoff();
  let now = 1_000_000;
  assert.equal(b.inBackoff('k', now), false);
  const seen: number[] = [];
  for (let i = 0; i < 8; i++) {
    b.next('k', now);
    seen.push(b.delayMs('k'));
    assert.equal(b.inBackoff('k', now + b.delayMs('k') - 1), true);
    assert.equal(b.inBackoff('k', now + b.delayMs('k')), false);
    now += b.delayMs('k');
  }
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  assert.equal(b.inBackoff('other', now), false, 'keys are independent');
});

test('an entry left alone for twice the maximum starts over', () => {
  const b = new PullBackoff({ initialMs: 100, maxMs: 1_000 });
  b.next('k', 0);
  b.next('k', 100);
  assert.equal(b.delayMs('k'), 200);
  b.next('k', 100 + 2_001);
  assert.equal(b.delayMs('k'), 100);
  b.gc(100 + 2_001 + 2_001);
  assert.equal(b.delayMs('k'), 0);
});
