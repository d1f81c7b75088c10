import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFieldsV1, encodeFieldsV1, FieldsV1Error } from './fieldsv1.js';
import { fieldElement as f, keyElement, pathString } from './path.js';
import { FieldSet } from './set.js';

describe('FieldsV1', () => {
  it('writes leaves as {} and a member with members below it with "."', () => {
    const web = keyElement([['name', 'web']]);
    const s = FieldSet.of(
      [f('metadata'), f('labels'), f('app')],
      [f('spec'), f('containers'), web],
      [f('spec'), f('containers'), web, f('image')],
      [f('spec'), f('containers'), web, f('name')],
    );
    assert.equal(
      JSON.stringify(encodeFieldsV1(s)),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    );
  });

  it('round-trips', () => {
    for (const text of [
      '{"f:metadata":{".":{},"f:name":{}}}',
      '{}',
      '{"f:spec":{"f:ports":{".":{},"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{},"f:targetPort":{}}}}}',
      '{"f:metadata":{"f:finalizers":{".":{},"v:\\"a\\"":{},"v:\\"b\\"":{}}}}',
    ]) {
      assert.equal(JSON.stringify(encodeFieldsV1(decodeFieldsV1(JSON.parse(text)))), text);
    }
  });

  it('orders keys as the API server does, whatever the input order', () => {
    const s = decodeFieldsV1({
      'f:spec': { 'k:{"name":"b"}': {}, 'f:z': {}, 'k:{"name":"a"}': {}, 'f:a': {} },
    });
    assert.deepEqual(Object.keys(encodeFieldsV1(s)['f:spec'] as object), [
      'f:a',
      'f:z',
      'k:{"name":"a"}',
      'k:{"name":"b"}',
    ]);
  });

  it('writes non-canonical input back in canonical form', () => {
    const s = decodeFieldsV1({
      'f:a': { 'f:b': {}, '.': {} },
      'f:c': { 'r:x': {} },
      'k:{"port":1,"name":"x"}': {},
    });
    assert.equal(
      JSON.stringify(encodeFieldsV1(s)),
      '{"f:a":{".":{},"f:b":{}},"f:c":{},"k:{\\"name\\":\\"x\\",\\"port\\":1}":{}}',
    );
  });

  it('decodes "." as membership and skips unknown element types', () => {
    const s = decodeFieldsV1({ 'f:a': { '.': {}, 'f:b': {} }, 'f:c': { 'r:x': {} }, 'q:y': {} });
    assert.deepEqual(s.paths().map(pathString), ['.a', '.c', '.a.b']);
  });

  it('rejects malformed input', () => {
    assert.throws(() => decodeFieldsV1({ 'k:{invalid json}': { 'f:name': {}, '.': {} } }), FieldsV1Error);
    assert.throws(() => decodeFieldsV1({ 'f:a': 1 }), FieldsV1Error);
    assert.throws(() => decodeFieldsV1([]), FieldsV1Error);
  });
});
