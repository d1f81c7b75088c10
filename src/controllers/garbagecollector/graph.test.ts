/** The garbage collector's decisions over owner states. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import {
  blockingDependents,
  changeAffects,
  decideDependent,
  type OwnerRef,
  type OwnerState,
  ownerState,
  withoutFinalizer,
  withoutRefs,
} from './graph.js';

const ref = (uid: string, block = false): OwnerRef => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: `rs-${uid}`,
  uid,
  ...(block ? { blockOwnerDeletion: true } : {}),
});

const obj = (refs: OwnerRef[], extra: Partial<NonNullable<KObject['metadata']>> = {}): KObject => ({
  metadata: { name: 'x', namespace: 'ns', uid: 'x-uid', ownerReferences: refs, ...extra },
});

const states = (s: Record<string, OwnerState>) => new Map(Object.entries(s));

describe('garbage collector decisions', () => {
  it('classifies a reference by the live owner', () => {
    const r = ref('a');
    assert.equal(ownerState(r, undefined), 'dangling');
    assert.equal(
      ownerState(r, { metadata: { uid: 'other' } }),
      'dangling',
      'a new object under the old name',
    );
    assert.equal(ownerState(r, { metadata: { uid: 'a' } }), 'solid');
    assert.equal(
      ownerState(r, { metadata: { uid: 'a', deletionTimestamp: 't', finalizers: ['foregroundDeletion'] } }),
      'waiting',
    );
    assert.equal(
      ownerState(r, { metadata: { uid: 'a', deletionTimestamp: 't', finalizers: ['orphan'] } }),
      'solid',
      'an owner orphaning its dependents keeps them',
    );
  });

  it('leaves objects without owners or with living owners alone', () => {
    assert.deepEqual(decideDependent(obj([]), states({}), false), { type: 'none' });
    assert.deepEqual(decideDependent(obj([ref('a')]), states({ a: 'solid' }), false), { type: 'none' });
    assert.deepEqual(
      decideDependent(obj([ref('a')]), states({}), false),
      { type: 'none' },
      'unknown is kept',
    );
  });

  it('deletes an object whose owners are all gone, in the background by default', () => {
    assert.deepEqual(
      decideDependent(obj([ref('a'), ref('b')]), states({ a: 'dangling', b: 'dangling' }), false),
      {
        type: 'delete',
        policy: 'Background',
      },
    );
    assert.deepEqual(
      decideDependent(obj([ref('a')], { finalizers: ['orphan'] }), states({ a: 'dangling' }), true),
      {
        type: 'delete',
        policy: 'Orphan',
      },
    );
  });

  it('drops references to gone or waiting owners when another owner lives', () => {
    assert.deepEqual(
      decideDependent(
        obj([ref('a'), ref('b'), ref('c')]),
        states({ a: 'solid', b: 'dangling', c: 'waiting' }),
        false,
      ),
      { type: 'removeRefs', uids: ['b', 'c'] },
    );
  });

  it('deletes dependents of a foreground deletion, in the foreground when they have dependents', () => {
    assert.deepEqual(decideDependent(obj([ref('a')]), states({ a: 'waiting' }), false), {
      type: 'delete',
      policy: 'Background',
    });
    assert.deepEqual(decideDependent(obj([ref('a')]), states({ a: 'waiting' }), true), {
      type: 'delete',
      policy: 'Foreground',
    });
  });

  it('counts only blockOwnerDeletion references as blocking', () => {
    const deps = [obj([ref('a', true)]), obj([ref('a')]), obj([ref('b', true)])];
    assert.equal(blockingDependents('a', deps).length, 1);
  });

  it('edits references and finalizers', () => {
    const o = obj([ref('a'), ref('b')], { finalizers: ['orphan', 'x/y'] });
    assert.deepEqual(
      withoutRefs(o, ['a']).map((r) => r.uid),
      ['b'],
    );
    assert.deepEqual(withoutFinalizer(o, 'orphan'), ['x/y']);
  });

  it('tells which changes matter to dependents and owners', () => {
    const before = obj([ref('a', true), ref('b')]);
    const marked = obj([ref('a', true), ref('b')], {
      deletionTimestamp: 't',
      finalizers: ['foregroundDeletion'],
    });
    assert.deepEqual(changeAffects(before, marked), { dependents: true, owners: [] });
    const unblocked = obj([ref('a'), ref('b')]);
    assert.deepEqual(changeAffects(before, unblocked), { dependents: false, owners: ['a'] });
    assert.deepEqual(changeAffects(before, obj([ref('a', true)])), { dependents: false, owners: ['b'] });
  });
});
