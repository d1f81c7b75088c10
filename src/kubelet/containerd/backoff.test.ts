import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restartDelay } from './backoff.js';

const policy = { initialMs: 100, maxMs: 1000, resetAfterMs: 5000 };

test('doubles per failure up to the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 10].map((n) => restartDelay(policy, n, 0)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('a long run resets the delay', () => {
  assert.equal(restartDelay(policy, 7, 5000), 100);
});
