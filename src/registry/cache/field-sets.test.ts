import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../types.js';
import { knownFieldSets, shareFieldSets } from './field-sets.js';

type Tree = Record<string, unknown>;

/** A pod as the kubelet's status writes leave it: the same field sets but for its IP. */
function pod(name: string, ip: string): KObject {
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': { 'f:containers': {} },
            },
          },
          {
            manager: 'kubelet',
            operation: 'Update',
            subresource: 'status',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:status': {
                'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
                'f:podIPs': { '.': {}, [`k:{"ip":"${ip}"}`]: { '.': {}, 'f:ip': {} } },
              },
            },
          },
        ],
      },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    }),
  ) as KObject;
}

const fields = (o: KObject, i: number) => (o.metadata!.managedFields as Tree[])[i]!['fieldsV1'] as Tree;
const status = (o: KObject) => fields(o, 1)['f:status'] as Tree;

describe('shared field sets', () => {
  test('equal field sets and subtrees become one frozen object; the JSON is unchanged', () => {
    const a = pod('a', '10.0.0.1');
    const b = pod('b', '10.0.0.2');
    const before = [JSON.stringify(a), JSON.stringify(b)];
    shareFieldSets(a);
    shareFieldSets(b);
    assert.deepEqual([JSON.stringify(a), JSON.stringify(b)], before);
    // The creator's field set is the same in both: one object.
    assert.equal(fields(a, 0), fields(b, 0));
    // The status field sets differ by the IP key, so their roots stay apart, but what is
    // equal below them is shared.
    assert.notEqual(fields(a, 1), fields(b, 1));
    assert.equal(status(a)['f:conditions'], status(b)['f:conditions']);
    const ipA = (status(a)['f:podIPs'] as Tree)['k:{"ip":"10.0.0.1"}'];
    const ipB = (status(b)['f:podIPs'] as Tree)['k:{"ip":"10.0.0.2"}'];
    assert.equal(ipA, ipB);
    assert.ok(Object.isFrozen(fields(a, 0)) && Object.isFrozen(status(b)['f:conditions']));
    assert.throws(() => {
      (status(a)['f:conditions'] as Tree)['f:new'] = {};
    }, TypeError);
  });

  test('objects without managedFields, and odd entries, are left as they are', () => {
    const bare = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } as KObject;
    assert.deepEqual(shareFieldSets(bare), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const odd = {
      metadata: { name: 'y', managedFields: [null, { manager: 'm' }, { fieldsV1: 'text' }] },
    } as unknown as KObject;
    shareFieldSets(odd);
    assert.deepEqual(odd.metadata!.managedFields, [null, { manager: 'm' }, { fieldsV1: 'text' }]);
  });

  test('the table of known subtrees is bounded', () => {
    for (let i = 0; i < 25_000; i++) shareFieldSets(pod(`p${i}`, `10.1.${i >> 8}.${i & 255}`));
    assert.ok(knownFieldSets() <= 20_000, `${knownFieldSets()} known`);
    // Sharing goes on after the table started again.
    const x = pod('x', '10.2.0.1');
    const y = pod('y', '10.2.0.2');
    shareFieldSets(x);
    shareFieldSets(y);
    assert.equal(fields(x, 0), fields(y, 0));
  });
});
