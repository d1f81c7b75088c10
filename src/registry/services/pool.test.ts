/** The allocation bitmap: holders and reservations counted apart, the static band avoided, fullness. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, Reservation } from './pool.js';

/** A deterministic random source cycling through `values`. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('Pool', () => {
  it('hands out the upper part of the range first, then the static band', () => {
    const pool = new Pool(20, 4, seq(0));
    const got: number[] = [];
    for (let i = 0; i < 20; i++) got.push(pool.reserveNext() ?? -1);
    assert.deepEqual(got.slice(0, 16), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.deepEqual(got.slice(16).sort(), [0, 1, 2, 3]);
    assert.equal(pool.free, 0);
    assert.equal(pool.reserveNext(), undefined);
  });

  it('starts the scan at a random place and wraps around', () => {
    const pool = new Pool(10, 0, seq(0.95));
    assert.equal(pool.reserveNext(), 9);
    assert.equal(pool.reserveNext(), 0);
  });

  it('keeps an offset taken while any holder or reservation remains', () => {
    const pool = new Pool(8, 0);
    pool.hold(3);
    pool.hold(3);
    assert.equal(pool.reserve(3), false);
    pool.unhold(3);
    assert.equal(pool.has(3), true);
    pool.unhold(3);
    assert.equal(pool.has(3), false);
    assert.equal(pool.reserve(3), true);
    pool.hold(3);
    pool.release(3);
    assert.equal(pool.has(3), true, 'held after the reservation is gone');
    pool.clearHolders();
    assert.equal(pool.has(3), false);
    assert.equal(pool.free, 8);
  });

  it('keeps reservations when holders are rebuilt, and never counts an offset twice', () => {
    const pool = new Pool(40, 0);
    pool.reserve(33);
    pool.hold(33);
    pool.hold(1);
    pool.clearHolders();
    assert.equal(pool.has(33), true);
    assert.equal(pool.has(1), false);
    assert.equal(pool.free, 39);
  });
});

describe('Reservation', () => {
  it('releases everything it took, once', () => {
    const a = new Pool(4, 0, seq(0));
    const b = new Pool(4, 0, seq(0));
    const r = new Reservation();
    assert.equal(r.empty, true);
    assert.equal(r.claim(a, 2), true);
    assert.equal(r.claim(a, 2), false);
    assert.equal(r.claimNext(b), 0);
    assert.equal(r.empty, false);
    r.release();
    r.release();
    assert.equal(a.free, 4);
    assert.equal(b.free, 4);
  });
});
