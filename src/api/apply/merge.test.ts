import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from './json.js';
import { mergeValues } from './merge.js';
import type { MapType, TypeDef } from './schema.js';

const str: TypeDef = { kind: 'scalar', scalar: 'string' };
const set: TypeDef = { kind: 'list', listType: 'set', keys: [], keyDefaults: {}, elem: str };
const item: MapType = {
  kind: 'map',
  atomic: false,
  field: (n) => (n === 'name' || n === 'v' ? str : undefined),
  elem: undefined,
};
const byName: TypeDef = { kind: 'list', listType: 'map', keys: ['name'], keyDefaults: {}, elem: item };
const atomic: TypeDef = { kind: 'list', listType: 'atomic', keys: [], keyDefaults: {}, elem: str };
const root: MapType = {
  kind: 'map',
  atomic: false,
  field: (n) =>
    ({
      s: set,
      l: byName,
      a: atomic,
      m: { kind: 'map', atomic: false, field: () => undefined, elem: str } as MapType,
    })[n],
  elem: undefined,
};

const merge = (l: Json, r: Json) => mergeValues(l, r, root);

describe('mergeValues', () => {
  it('keeps live-only set items in place and the configuration’s order for the rest', () => {
    assert.deepEqual(merge({ s: ['x', 'y'] }, { s: ['z'] }), { s: ['x', 'y', 'z'] });
    assert.deepEqual(merge({ s: ['x', 'y', 'z'] }, { s: ['z', 'x'] }), { s: ['y', 'z', 'x'] });
    assert.deepEqual(merge({ s: ['p', 'q', 'r'] }, { s: ['n', 'q'] }), { s: ['p', 'n', 'q', 'r'] });
  });

  it('merges keyed items field by field', () => {
    assert.deepEqual(
      merge(
        {
          l: [
            { name: 'a', v: '1' },
            { name: 'b', v: '2' },
          ],
        },
        { l: [{ name: 'b', v: '3' }, { name: 'c' }] },
      ),
      { l: [{ name: 'a', v: '1' }, { name: 'b', v: '3' }, { name: 'c' }] },
    );
  });

  it('replaces atomic lists, merges granular maps, keeps nulls for the caller', () => {
    assert.deepEqual(merge({ a: ['1', '2'], m: { x: '1' } }, { a: ['3'], m: { y: '2' } }), {
      a: ['3'],
      m: { x: '1', y: '2' },
    });
    assert.deepEqual(merge({ m: { x: '1' } }, { m: { x: null } }), { m: { x: null } });
  });

  it('never mutates its inputs', () => {
    const l = { l: [{ name: 'a', v: '1' }] };
    const r = { l: [{ name: 'a', v: '2' }] };
    merge(l, r);
    assert.deepEqual(l, { l: [{ name: 'a', v: '1' }] });
    assert.deepEqual(r, { l: [{ name: 'a', v: '2' }] });
  });
});
