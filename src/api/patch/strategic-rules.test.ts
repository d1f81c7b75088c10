/**
 * Tests of the general rules of strategic merge patch with a small hand-written description:
 * element order, duplicates, map directives, type changes, errors, and the contracts that inputs
 * are never mutated and directives never reach the result.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatchError } from './errors.js';
import type { Json, JsonObject } from './json.js';
import type { PatchMeta } from './meta.js';
import { patchMetaFor } from './meta-kinds.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { deepFreeze, directivesIn } from './testing.js';

const META: PatchMeta = {
  fields: {
    items: { strategy: 'merge', mergeKey: 'name', items: { fields: { tags: { strategy: 'merge' } } } },
    set: { strategy: 'merge' },
    plain: {},
    whole: { strategy: 'replace' },
    keyed: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  },
};

function smp(doc: Json, patch: Json, meta: PatchMeta = META): JsonObject {
  const out = applyStrategicMergePatch(deepFreeze(doc), deepFreeze(patch), meta);
  assert.deepEqual(directivesIn(out), [], 'no directive may be left in the result');
  return out as JsonObject;
}

function failure(doc: Json, patch: Json, meta: PatchMeta = META): PatchError {
  try {
    applyStrategicMergePatch(deepFreeze(doc), deepFreeze(patch), meta);
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected a PatchError, got ${String(err)}`);
    assert.equal(err.kind, 'invalid');
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(patch)}`);
}

const named = (...names: string[]): Json[] => names.map((name) => ({ name }));

describe('strategic merge patch: maps', () => {
  it('merges maps recursively and deletes keys set to null', () => {
    const out = smp({ a: { b: 1, c: { d: 2, e: 3 } }, f: 4 }, { a: { c: { d: null, g: 5 } }, f: null, h: 6 });
    assert.deepEqual(out, { a: { b: 1, c: { e: 3, g: 5 } }, h: 6 });
  });
  it('drops nulls inside a value that is new', () => {
    assert.deepEqual(smp({}, { a: { b: null, c: { d: null }, e: [{ f: null, g: 1 }] } }), {
      a: { c: {}, e: [{ g: 1 }] },
    });
  });
  it('replaces a map with $patch: replace', () => {
    assert.deepEqual(smp({ m: { a: 1, b: 2 } }, { m: { $patch: 'replace', c: 3 } }), { m: { c: 3 } });
    assert.deepEqual(smp({ a: 1, b: 2 }, { $patch: 'replace', c: 3 }), { c: 3 });
  });
  it('stores the contents of a $patch: replace map that is new', () => {
    assert.deepEqual(smp({}, { m: { $patch: 'replace', c: 3 } }), { m: { c: 3 } });
  });
  it('empties a map with $patch: delete, as the API server does, and adds nothing when it is absent', () => {
    assert.deepEqual(smp({ m: { a: 1 }, k: 1 }, { m: { $patch: 'delete' }, n: { $patch: 'delete' } }), {
      m: {},
      k: 1,
    });
  });
  it('replaces a field whose strategy is replace instead of merging it', () => {
    assert.deepEqual(smp({ whole: { a: 1, b: 2 } }, { whole: { c: 3, d: null } }), { whole: { c: 3 } });
  });
  it('replaces a value whose type changes', () => {
    assert.deepEqual(
      smp({ a: 's', b: { c: 1 }, d: [1], e: null }, { a: { x: 1 }, b: [1], d: 'x', e: { f: null } }),
      {
        a: { x: 1 },
        b: [1],
        d: 'x',
        e: {},
      },
    );
  });
  it('keeps only the listed keys with $retainKeys', () => {
    assert.deepEqual(smp({ m: { a: 1, b: 2, c: 3 } }, { m: { $retainKeys: ['a', 'd'], d: 4 } }), {
      m: { a: 1, d: 4 },
    });
  });
  it('treats a null doc as an empty object', () => {
    assert.deepEqual(applyStrategicMergePatch(null, { a: 1 }, META), { a: 1 });
  });
  it('keeps data keys that merely start with $', () => {
    assert.deepEqual(smp({ schema: { $ref: '#/a' } }, { schema: { $schema: 'x' } }), {
      schema: { $ref: '#/a', $schema: 'x' },
    });
  });
  it('stores a key named __proto__ as data', () => {
    const out = applyStrategicMergePatch(
      {},
      JSON.parse('{"m":{"__proto__":{"polluted":true}}}'),
      META,
    ) as JsonObject;
    const m = out['m'] as JsonObject;
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.deepEqual(Object.keys(m), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('strategic merge patch: lists', () => {
  it('replaces lists without a merge strategy, dropping directive elements', () => {
    assert.deepEqual(smp({ plain: [1, 2] }, { plain: [3] }), { plain: [3] });
    assert.deepEqual(
      smp(
        { plain: [{ a: 1 }] },
        {
          plain: [
            { $patch: 'delete', a: 1 },
            { b: null, c: 2 },
          ],
        },
      ),
      {
        plain: [{ c: 2 }],
      },
    );
  });
  it('puts merged elements in patch order and interleaves the server-only ones', () => {
    const out = smp({ items: named('a', 'b', 'c', 'd') }, { items: named('d', 'x', 'b') });
    assert.deepEqual(out, { items: named('a', 'c', 'd', 'x', 'b') });
  });
  it('places new elements before the server-only ones when no order is given', () => {
    assert.deepEqual(smp({ items: named('a', 'b') }, { items: named('n') }), { items: named('n', 'a', 'b') });
  });
  it('merges primitive sets the same way', () => {
    assert.deepEqual(smp({ set: ['a', 'b', 'c', 'd'] }, { set: ['d', 'b', 'e'] }), {
      set: ['a', 'c', 'd', 'b', 'e'],
    });
    assert.deepEqual(smp({ set: [1, 2] }, { set: [2, 3, 3] }), { set: [1, 2, 3] });
  });
  it('follows $setElementOrder and interleaves server-only elements by their old places', () => {
    const out = smp(
      { items: named('a', 's1', 'c', 's2') },
      { '$setElementOrder/items': named('c', 'n', 'a'), items: [{ name: 'n', v: 1 }] },
    );
    assert.deepEqual(out, {
      items: [{ name: 's1' }, { name: 'c' }, { name: 'n', v: 1 }, { name: 'a' }, { name: 's2' }],
    });
  });
  it('orders a list that is new by its $setElementOrder', () => {
    const out = smp({}, { '$setElementOrder/items': named('y', 'x'), items: named('y', 'x') });
    assert.deepEqual(out, { items: named('y', 'x') });
  });
  it('orders a primitive set by $setElementOrder', () => {
    assert.deepEqual(smp({ set: ['a', 'b'] }, { '$setElementOrder/set': ['b', 'n', 'a'], set: ['n'] }), {
      set: ['b', 'n', 'a'],
    });
  });
  it('applies $setElementOrder to a list without a merge strategy after replacing it', () => {
    assert.deepEqual(smp({ plain: [1, 2] }, { '$setElementOrder/plain': [3, 1], plain: [3, 1] }), {
      plain: [3, 1],
    });
  });
  it('merges into the first of duplicate elements and deletes them all', () => {
    const doc: Json = { items: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }, { name: 'b' }] };
    assert.deepEqual(smp(doc, { items: [{ name: 'a', v: 3 }] }), {
      items: [{ name: 'a', v: 3 }, { name: 'a', v: 2 }, { name: 'b' }],
    });
    assert.deepEqual(smp(doc, { items: [{ name: 'a', $patch: 'delete' }] }), { items: [{ name: 'b' }] });
  });
  it('merges nested lists inside merged elements', () => {
    const out = smp({ items: [{ name: 'a', tags: ['x'] }] }, { items: [{ name: 'a', tags: ['y'] }] });
    assert.deepEqual(out, { items: [{ name: 'a', tags: ['y', 'x'] }] });
  });
  it('treats an element with $patch: replace as replacing the whole list', () => {
    const out = smp(
      { items: named('a', 'b') },
      { items: [{ name: 'z' }, { $patch: 'replace' }, { name: 'y', v: null }] },
    );
    assert.deepEqual(out, { items: named('z', 'y') });
  });
  it('removes values with $deleteFromPrimitiveList, whatever the list strategy', () => {
    assert.deepEqual(smp({ set: ['a', 'b', 'a'] }, { '$deleteFromPrimitiveList/set': ['a', 'zz'] }), {
      set: ['b'],
    });
    assert.deepEqual(smp({ plain: [1, 2] }, { '$deleteFromPrimitiveList/plain': [1] }), { plain: [2] });
    assert.deepEqual(smp({}, { '$deleteFromPrimitiveList/set': ['a'] }), {});
  });
  it('keeps an empty list empty', () => {
    assert.deepEqual(smp({ items: [] }, { items: [] }), { items: [] });
  });
  it('clears keys of merged elements with $retainKeys', () => {
    const doc = { keyed: [{ name: 'v', emptyDir: {} }] };
    assert.deepEqual(
      smp(doc, { keyed: [{ name: 'v', $retainKeys: ['name', 'secret'], secret: { s: 1 } }] }),
      {
        keyed: [{ name: 'v', secret: { s: 1 } }],
      },
    );
  });
});

describe('strategic merge patch: malformed patches', () => {
  const cases: [string, Json, Json, RegExp][] = [
    ['a patch that is not an object', {}, [1], /must be a JSON object, not a array/],
    ['a doc that is not an object', [1], {}, /applies to a JSON object, not a array/],
    ['an unknown map directive', { m: { a: 1 } }, { m: { $patch: 'merge' } }, /unknown patch type: "merge"/],
    [
      'a merge directive in a list',
      { items: named('a') },
      { items: [{ $patch: 'merge' }] },
      /merging lists cannot yet/,
    ],
    [
      'an unknown list directive',
      { items: named('a') },
      { items: [{ $patch: 'x', name: 'a' }] },
      /unknown patch type/,
    ],
    [
      'an element without its merge key',
      { items: named('a') },
      { items: [{ v: 1 }] },
      /does not contain declared merge key: name/,
    ],
    [
      'a delete without merge key',
      { items: named('a') },
      { items: [{ $patch: 'delete' }] },
      /declared merge key: name/,
    ],
    ['objects in a set without merge key', { set: [{ a: 1 }] }, { set: [{ a: 2 }] }, /without a merge key/],
    ['primitives in a list with a merge key', { items: named('a') }, { items: ['a'] }, /not identical/],
    ['mixed element types', { set: ['a'] }, { set: [1] }, /list element types are not identical/],
    ['a list of lists', { set: [['a']] }, { set: [['b']] }, /lists of lists are not supported/],
    [
      'a $retainKeys that is not a list',
      { m: {} },
      { m: { $retainKeys: 'a' } },
      /invalid patch format of retainKeys/,
    ],
    [
      'a key missing from $retainKeys',
      { m: {} },
      { m: { $retainKeys: ['a'], b: 1 } },
      /invalid patch format of retainKeys/,
    ],
    [
      'a malformed $setElementOrder key',
      {},
      { $setElementOrderX: [] },
      /invalid patch format of setElementOrder list/,
    ],
    ['a $setElementOrder that is not a list', {}, { '$setElementOrder/items': 'a' }, /setElementOrder list/],
    [
      'a malformed $deleteFromPrimitiveList key',
      {},
      { $deleteFromPrimitiveListX: [] },
      /invalid patch format of primitive list/,
    ],
    [
      'a patch list out of $setElementOrder order',
      { items: named('a', 'b') },
      { '$setElementOrder/items': named('b', 'a'), items: named('a', 'b') },
      /doesn't match \$setElementOrder list/,
    ],
    [
      'a $setElementOrder list without merge keys',
      { items: named('a') },
      { '$setElementOrder/items': [{ v: 1 }], items: named('a') },
      /does not contain declared merge key/,
    ],
  ];
  for (const [name, doc, patch, message] of cases) {
    it(name, () => {
      assert.match(failure(doc, patch).message, message);
    });
  }
});

describe('strategic merge patch: contracts', () => {
  it('never mutates its inputs and shares nothing with them', () => {
    const doc = deepFreeze<JsonObject>({
      keep: { deep: [1] },
      items: [{ name: 'a', v: { x: 1 } }, { name: 'b' }],
      set: ['x'],
      m: { a: 1, b: 2 },
    });
    const patch = deepFreeze<JsonObject>({
      '$setElementOrder/items': named('b', 'a', 'c'),
      items: [
        { name: 'a', v: { y: 2 } },
        { name: 'c', w: [1] },
      ],
      set: ['y'],
      m: { $retainKeys: ['a'] },
      added: { z: [1] },
    });
    const out = applyStrategicMergePatch(doc, patch, META) as JsonObject;
    assert.notEqual(out['keep'], doc['keep']);
    assert.notEqual((out['items'] as Json[])[2], (patch['items'] as Json[])[1]);
    assert.notEqual(out['added'], patch['added']);
    assert.deepEqual(out, {
      keep: { deep: [1] },
      items: [{ name: 'b' }, { name: 'a', v: { x: 1, y: 2 } }, { name: 'c', w: [1] }],
      set: ['y', 'x'],
      m: { a: 1 },
      added: { z: [1] },
    });
  });
  it('leaves no directive anywhere in the result', () => {
    const patch: Json = {
      a: { $patch: 'replace', b: { c: null, d: 1 } },
      items: [
        { name: 'n', '$deleteFromPrimitiveList/tags': ['q'], '$setElementOrder/tags': ['r'], tags: ['r'] },
        { $patch: 'delete', name: 'zz' },
      ],
      keyed: [{ name: 'k', $retainKeys: ['name'] }],
      plain: [{ $patch: 'replace' }, { a: { $patch: 'replace', b: 1 } }],
      fresh: [{ '$setElementOrder/x': [] }],
    };
    const out = smp({ items: named('m') }, patch);
    assert.deepEqual(out, {
      items: [{ name: 'n', tags: ['r'] }, { name: 'm' }],
      a: { b: { d: 1 } },
      keyed: [{ name: 'k' }],
      plain: [{ a: { b: 1 } }],
      fresh: [{}],
    });
  });
  it('applies only ObjectMeta rules to custom resources, so their lists are replaced', () => {
    const meta = patchMetaFor('example.com', 'v1', 'Widget');
    const doc = {
      metadata: { finalizers: ['a'] },
      spec: { containers: named('a', 'b') },
      status: { conditions: [{ type: 'A' }] },
    };
    const out = smp(
      doc,
      {
        metadata: { finalizers: ['b'] },
        spec: { containers: named('b') },
        status: { conditions: [{ type: 'B' }] },
      },
      meta,
    );
    assert.deepEqual(out, {
      metadata: { finalizers: ['b', 'a'] },
      spec: { containers: named('b') },
      status: { conditions: [{ type: 'B' }] },
    });
  });
});
