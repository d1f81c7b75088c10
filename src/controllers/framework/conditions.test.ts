/** Conditions, stable hashes and slow-start batches. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getCondition, removeCondition, setCondition } from './conditions.js';
import { canonicalJSON, hashOf, safeEncode } from './hash.js';
import { slowStartBatch } from './slow-start.js';

describe('conditions', () => {
  it('keeps the transition time when only the reason changes and ignores no-op sets', () => {
    const a = setCondition([], { type: 'P', status: 'True', reason: 'A', lastTransitionTime: 't1' });
    const same = setCondition(a, { type: 'P', status: 'True', reason: 'A', lastTransitionTime: 't2' });
    assert.equal(getCondition(same, 'P')?.lastTransitionTime, 't1');
    const b = setCondition(a, { type: 'P', status: 'True', reason: 'B', lastTransitionTime: 't3' });
    assert.deepEqual(getCondition(b, 'P'), {
      type: 'P',
      status: 'True',
      reason: 'B',
      lastTransitionTime: 't1',
    });
    const c = setCondition(b, { type: 'P', status: 'False', reason: 'C', lastTransitionTime: 't4' });
    assert.equal(getCondition(c, 'P')?.lastTransitionTime, 't4');
    assert.deepEqual(removeCondition(c, 'P'), []);
    assert.equal(a.length, 1, 'inputs are not mutated');
  });
});

describe('hash', () => {
  it('is stable, independent of key order, and changes with the value or collision count', () => {
    const t1 = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const t2 = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } };
    assert.equal(canonicalJSON(t1), canonicalJSON(t2));
    assert.equal(hashOf(t1), hashOf(t2));
    // A fixed expectation: the hash must not change between versions or restarts.
    assert.equal(hashOf(t1), '768667f895');
    assert.notEqual(hashOf(t1), hashOf({ ...t1, spec: { containers: [{ name: 'c', image: 'j' }] } }));
    assert.notEqual(hashOf(t1), hashOf(t1, 1));
    assert.match(hashOf(t1, 7), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(safeEncode('0123'), '4567');
  });
});

describe('slow start', () => {
  it('runs batches of 1, 2, 4... and stops after a failing batch', async () => {
    let started = 0;
    const seen: number[] = [];
    const ok = await slowStartBatch(10, 1, async () => {
      started++;
      await new Promise((r) => setImmediate(r));
      seen.push(started);
    });
    assert.deepEqual(ok, { successes: 10 });
    // Every call of a batch starts before any of them ends: batches of 1, 2, 4 and the last 3.
    assert.deepEqual(seen, [1, 3, 3, 7, 7, 7, 7, 10, 10, 10]);
    let n = 0;
    const failed = await slowStartBatch(10, 1, async () => {
      n++;
      if (n >= 3) throw new Error('quota');
    });
    assert.equal(failed.successes, 2, 'batch 1 (1 call) and batch 2 (2 calls, one failing)');
    assert.equal(failed.error?.message, 'quota');
    assert.equal(n, 3);
  });
});
