import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareValues } from './compare.js';
import { encodeFieldsV1 } from './fieldsv1.js';
import type { JsonObject } from './json.js';
import { pathString } from './path.js';
import { removeItems } from './remove.js';
import { typeOf } from './testing.js';
import { fieldSetOf } from './typed.js';

const pod = typeOf('v1', 'Pod');
const fields = (o: JsonObject) => JSON.stringify(encodeFieldsV1(fieldSetOf(o, pod)));

describe('fieldSetOf', () => {
  it('owns map entries and list items, not the structs around them', () => {
    assert.equal(
      fields({
        metadata: { annotations: { a: 'b' } },
        spec: { containers: [{ name: 'c', env: [{ name: 'E', value: '1' }] }] },
      }),
      '{"f:metadata":{"f:annotations":{"f:a":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"E\\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{}}}}}',
    );
  });

  it('owns empty and null fields themselves', () => {
    assert.equal(
      fields({ spec: { securityContext: {}, hostname: null } }),
      '{"f:spec":{"f:hostname":{},"f:securityContext":{}}}',
    );
  });

  it('owns a duplicated item as a whole', () => {
    const s = fieldSetOf(
      {
        spec: {
          containers: [
            { name: 'a', image: 'x' },
            { name: 'a', image: 'y' },
          ],
        },
      },
      pod,
    );
    assert.deepEqual(s.paths().map(pathString), ['.spec.containers[name="a"]']);
  });
});

describe('compareValues', () => {
  it('reports a new map with its entries, a changed scalar as modified', () => {
    const c = compareValues(
      { spec: { hostname: 'a' } },
      { metadata: { labels: { x: '1' } }, spec: { hostname: 'b' } },
      pod,
    );
    assert.deepEqual(c.added.paths().map(pathString), [
      '.metadata',
      '.metadata.labels',
      '.metadata.labels.x',
    ]);
    assert.deepEqual(c.modified.paths().map(pathString), ['.spec.hostname']);
    assert.ok(c.removed.isEmpty());
  });

  it('compares atomic lists whole and keyed lists by item', () => {
    const l: JsonObject = { spec: { containers: [{ name: 'a', args: ['1'] }, { name: 'b' }] } };
    const r = { spec: { containers: [{ name: 'a', args: ['2'] }] } };
    const c = compareValues(l, r, pod);
    assert.deepEqual(c.modified.paths().map(pathString), ['.spec.containers[name="a"].args']);
    assert.deepEqual(c.removed.paths().map(pathString), [
      '.spec.containers[name="b"]',
      '.spec.containers[name="b"].name',
    ]);
  });
});

describe('removeItems', () => {
  it('removes fields and items, leaving null where nothing is left', () => {
    const obj: JsonObject = {
      metadata: { labels: { a: '1' } },
      spec: { containers: [{ name: 'a' }, { name: 'b', image: 'x' }] },
    };
    const set = fieldSetOf({ metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'a' }] } }, pod);
    assert.deepEqual(removeItems(obj, set, pod), {
      metadata: { labels: null },
      spec: { containers: [{ name: 'b', image: 'x' }] },
    });
  });
});
