/** Tests of RFC 7386 JSON merge patch: the RFC's examples and the no-mutation contract. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from './json.js';
import { applyMergePatch } from './merge-patch.js';
import { deepFreeze } from './testing.js';

describe('applyMergePatch: the examples of RFC 7386 appendix A', () => {
  const cases: [Json, Json, Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, expected] of cases) {
    it(`${JSON.stringify(doc)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(deepFreeze(doc), deepFreeze(patch)), expected);
    });
  }
});

describe('applyMergePatch', () => {
  it('scales a Deployment the way kubectl scale does', () => {
    const doc = { metadata: { name: 'web' }, spec: { replicas: 1, template: { spec: { containers: [] } } } };
    assert.deepEqual(applyMergePatch(deepFreeze(doc), { spec: { replicas: 3 } }), {
      metadata: { name: 'web' },
      spec: { replicas: 3, template: { spec: { containers: [] } } },
    });
  });
  it('replaces lists whole, even lists that strategic merge patch would merge', () => {
    const doc = {
      spec: {
        containers: [
          { name: 'a', image: 'a' },
          { name: 'b', image: 'b' },
        ],
      },
    };
    const patch = { spec: { containers: [{ name: 'a', image: 'a:2' }] } };
    assert.deepEqual(applyMergePatch(deepFreeze(doc), patch), patch);
  });
  it('keeps nulls inside lists', () => {
    assert.deepEqual(applyMergePatch({}, { l: [null, { a: null }] }), { l: [null, { a: null }] });
  });
  it('never mutates its inputs and shares nothing with them', () => {
    const doc = deepFreeze({ keep: { deep: [1] }, change: { x: 1 } });
    const patch = deepFreeze({ change: { y: [2] } });
    const out = applyMergePatch(doc, patch) as { keep: { deep: number[] }; change: { y: number[] } };
    assert.deepEqual(out, { keep: { deep: [1] }, change: { x: 1, y: [2] } });
    assert.notEqual(out.keep, doc.keep);
    assert.notEqual(out.change.y, patch.change.y);
  });
});
