import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every level of objects and arrays', () => {
    const o = deepFreeze({ a: { b: [{ c: 1 }, 'x', null] }, d: 'e' });
    assert.throws(() => {
      (o as { d: string }).d = 'f';
    }, TypeError);
    assert.throws(() => {
      (o.a.b[0] as { c: number }).c = 2;
    }, TypeError);
    assert.throws(() => {
      (o.a.b as unknown[]).push(1);
    }, TypeError);
    assert.equal(o.a.b[0] && (o.a.b[0] as { c: number }).c, 1);
  });

  it('freezes a shallow copy of a frozen object at its own level and leaves scalars alone', () => {
    const inner = deepFreeze({ x: { y: 1 } });
    const copy = deepFreeze({ ...inner, z: { w: 2 } });
    assert.ok(Object.isFrozen(copy) && Object.isFrozen(copy.z) && copy.x === inner.x);
    assert.equal(deepFreeze(3), 3);
    assert.equal(deepFreeze(null), null);
  });
});
