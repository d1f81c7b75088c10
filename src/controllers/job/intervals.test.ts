/** Completed-index intervals: parsing, the compressed text form, merging and pending indexes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countIndexes,
  firstPendingIndexes,
  formatIntervals,
  hasIndex,
  parseIntervals,
  withIndexes,
} from './intervals.js';

describe('completed index intervals', () => {
  it('formats three or more consecutive indexes as a range and two as a list', () => {
    assert.equal(formatIntervals(withIndexes([], [0, 1, 2, 4])), '0-2,4');
    assert.equal(formatIntervals(withIndexes([], [1, 3, 4, 5, 7])), '1,3-5,7');
    assert.equal(formatIntervals(withIndexes([], [3, 4])), '3,4');
    assert.equal(formatIntervals(withIndexes([], [9, 2, 2, 8])), '2,8,9');
    assert.equal(formatIntervals([]), '');
  });

  it('parses its own output and joins adjacent parts', () => {
    const iv = parseIntervals('1,3-5,7', 10);
    assert.deepEqual(iv, [
      { first: 1, last: 1 },
      { first: 3, last: 5 },
      { first: 7, last: 7 },
    ]);
    assert.deepEqual(parseIntervals('3,4', 10), [{ first: 3, last: 4 }]);
    assert.equal(formatIntervals(parseIntervals('0,1,2,5-6', 10)), '0-2,5,6');
  });

  it('drops indexes at or above completions and skips malformed parts', () => {
    assert.equal(formatIntervals(parseIntervals('0-2,4-9,12', 6)), '0-2,4,5');
    assert.equal(formatIntervals(parseIntervals('x,1,2-a,-3,5', 10)), '1,5');
    assert.deepEqual(parseIntervals('', 5), []);
    assert.deepEqual(parseIntervals(undefined, 5), []);
  });

  it('merges new indexes into existing intervals', () => {
    const iv = withIndexes(parseIntervals('0-2,6', 10), [3, 5, 9]);
    assert.equal(formatIntervals(iv), '0-3,5,6,9');
    assert.equal(countIndexes(iv), 7);
    assert.ok(hasIndex(iv, 3));
    assert.ok(hasIndex(iv, 9));
    assert.ok(!hasIndex(iv, 4));
    assert.ok(!hasIndex(iv, 10));
  });

  it('lists the lowest pending indexes around taken ones', () => {
    const taken = withIndexes([], [0, 2, 3, 6]);
    assert.deepEqual(firstPendingIndexes(taken, 3, 10), [1, 4, 5]);
    assert.deepEqual(firstPendingIndexes(taken, 10, 8), [1, 4, 5, 7]);
    assert.deepEqual(firstPendingIndexes([], 2, 5), [0, 1]);
    assert.deepEqual(firstPendingIndexes(withIndexes([], [0, 1, 2]), 2, 3), []);
  });
});
