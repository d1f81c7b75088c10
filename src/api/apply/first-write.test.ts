import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { updateManagedFields } from './apply.js';
import type { JsonObject } from './json.js';
import { fieldElement } from './path.js';
import { deployment, T0, T1, updateOpts } from './testing.js';

/** A create through the memo. */
function create(obj: JsonObject, manager = 'creator', now = T0) {
  return updateManagedFields(undefined, obj, manager, updateOpts(obj, { now }));
}

/** The same create computed from scratch (custom reset fields bypass the memo). */
function reference(obj: JsonObject, manager = 'creator', now = T0) {
  const resetFields = [[fieldElement('status')]];
  return updateManagedFields(undefined, obj, manager, updateOpts(obj, { now, resetFields }));
}

function configMap(name: string, data: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: name } }, data };
}

function pod(containers: JsonObject[] | null | undefined): JsonObject {
  const spec: JsonObject = { nodeName: 'n1' };
  if (containers !== undefined) spec['containers'] = containers;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

describe('first writes (creates) are memoised by shape', () => {
  it('gives objects of one shape the same entry, stamped with each write’s time', () => {
    const a = create(configMap('a', { k: 'one' }), 'creator', T0);
    const b = create(configMap('b', { k: 'another value' }), 'creator', T1);
    assert.deepEqual(a.managedFields, reference(configMap('a', { k: 'one' })).managedFields);
    assert.deepEqual(b.managedFields, reference(configMap('b', { k: 'x' }), 'creator', T1).managedFields);
    assert.equal(b.managedFields?.[0]?.time, T1);
  });

  it('tells apart shapes: other keys, other managers, list items', () => {
    const cases: [JsonObject, string][] = [
      [configMap('c', { k: 'v' }), 'creator'],
      [configMap('c', { other: 'v' }), 'creator'],
      [configMap('c', { k: 'v' }), 'someone-else'],
      [pod([{ name: 'a', image: 'i' }]), 'creator'],
      [pod([{ name: 'b', image: 'i', ports: [{ containerPort: 80 }] }]), 'creator'],
      [pod([{ name: 'b', image: 'i', ports: [{ containerPort: 81 }] }]), 'creator'],
      [pod(null), 'creator'],
      [pod([]), 'creator'],
      [pod(undefined), 'creator'],
      [deployment() as JsonObject, 'creator'],
    ];
    // Twice over: the second round is answered from the memo.
    for (let round = 0; round < 2; round++) {
      for (const [obj, manager] of cases) {
        const got = create(structuredClone(obj), manager);
        assert.deepEqual(got.managedFields, reference(obj, manager).managedFields, JSON.stringify(obj));
        assert.deepEqual(got.object['data'], obj['data']);
      }
    }
  });

  it('hands out copies: changing one object’s entries leaves the next alone', () => {
    const first = create(configMap('d', { k: 'v' }));
    const entry = first.managedFields?.[0];
    assert.ok(entry?.fieldsV1);
    entry.fieldsV1['f:spec'] = {};
    entry.manager = 'changed';
    const second = create(configMap('e', { k: 'v' }));
    assert.deepEqual(second.managedFields, reference(configMap('e', { k: 'v' })).managedFields);
  });
});
