/** The shortcut for writes that change only values their writer alone owns: same answer as the full path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Applied, updateManagedFields } from './apply.js';
import { fastUpdateEntries } from './fast-update.js';
import { withoutManagedFields } from './finish.js';
import type { JsonObject } from './json.js';
import { fieldElement } from './path.js';
import { deployment, stored, T0, T1, T2, T3, updateOpts } from './testing.js';

function lease(renewTime: string, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime, ...extra },
  };
}

/** `next` written over `old` by `manager`, with and without the shortcut (resetFields as the default forces the full path). */
function both(old: JsonObject, next: JsonObject, manager: string, now: string, subresource?: string) {
  const opts = updateOpts(next, { now, ...(subresource ? { subresource } : {}) });
  const ignored = subresource === 'status' ? 'spec' : 'status';
  const quick = updateManagedFields(old, next, manager, opts);
  const full = updateManagedFields(old, next, manager, { ...opts, resetFields: [[fieldElement(ignored)]] });
  return { quick, full };
}

function same(r: { quick: Applied; full: Applied }): void {
  assert.deepEqual(r.quick, r.full);
  assert.equal(JSON.stringify(r.quick.object), JSON.stringify(r.full.object), 'the same JSON, key order too');
}

/** Whether the shortcut answered (rather than handing over to the full path). */
function taken(old: JsonObject, next: JsonObject, manager: string, now: string): boolean {
  const stored = (old['metadata'] as JsonObject)['managedFields'] as unknown[];
  return (
    fastUpdateEntries(withoutManagedFields(old), withoutManagedFields(next), stored, {
      manager,
      apiVersion: next['apiVersion'] as string,
      ignored: 'status',
      now,
    }) !== undefined
  );
}

function create(obj: JsonObject, manager: string, now = T0): JsonObject {
  return stored(updateManagedFields(undefined, obj, manager, updateOpts(obj, { now })).object);
}

describe('updateManagedFields shortcut', () => {
  it('renews a Lease: only the writer’s time moves, as the full path says', () => {
    const old = create(lease(T0), 'kubelet');
    const next = { ...lease(T1), metadata: old['metadata'] as JsonObject };
    const r = both(old, next, 'kubelet', T1);
    same(r);
    assert.equal(r.quick.managedFields?.[0]?.time, T1);
    assert.ok(taken(old, next, 'kubelet', T1));
    // Sent without managedFields (an informer's trimmed copy): the stored ones are kept.
    const trimmed = withoutManagedFields(next);
    same(both(old, trimmed, 'kubelet', T1));
    assert.ok(taken(old, trimmed, 'kubelet', T1));
  });

  it('re-sorts entries when the writer’s new time moves it after another updater', () => {
    let obj = create(lease(T0), 'kubelet');
    // Another manager adds a field of its own, later.
    const other = both(
      obj,
      { ...lease(T0, { preferredHolder: 'x' }), metadata: obj['metadata'] as JsonObject },
      'ctl',
      T1,
    );
    same(other);
    obj = stored(other.quick.object);
    const next = { ...lease(T2, { preferredHolder: 'x' }), metadata: obj['metadata'] as JsonObject };
    const r = both(obj, next, 'kubelet', T3);
    same(r);
    assert.deepEqual(
      r.quick.managedFields?.map((e) => `${e.manager}@${e.time}`),
      [`ctl@${T1}`, `kubelet@${T3}`],
    );
    assert.ok(taken(obj, next, 'kubelet', T3));
  });

  it('hands over when another manager owns the value, or the writer does not own it', () => {
    const obj = create(lease(T0), 'kubelet');
    const next = { ...lease(T1), metadata: obj['metadata'] as JsonObject };
    assert.ok(!taken(obj, next, 'someone-else', T1));
    const r = both(obj, next, 'someone-else', T1);
    same(r);
    assert.deepEqual(
      r.quick.managedFields?.map((e) => e.manager),
      ['kubelet', 'someone-else'],
    );
  });

  it('hands over on added, removed or list changes, and on the ignored field', () => {
    const d = create(deployment() as JsonObject, 'ctl');
    const meta = d['metadata'] as JsonObject;
    const spec = d['spec'] as JsonObject;
    const cases: JsonObject[] = [
      { ...d, spec: { ...spec, paused: true } },
      { ...d, metadata: { ...meta, labels: {} } },
      { ...d, spec: { ...spec, selector: { matchLabels: { app: 'other' } } } },
      { ...d, status: { replicas: 3 } },
    ];
    for (const next of cases) {
      assert.ok(!taken(d, next, 'ctl', T1), JSON.stringify(next['spec']));
      same(both(d, next, 'ctl', T1));
    }
    // A scalar the writer owns alone: taken, and the same answer.
    const replicas = { ...d, spec: { ...spec, replicas: 5 } };
    assert.ok(taken(d, replicas, 'ctl', T1));
    same(both(d, replicas, 'ctl', T1));
    // A value under an atomic field (selector) is not a member itself: the full path decides.
    const atomic = { ...d, spec: { ...spec, selector: { matchLabels: { app: 'web2' } } } };
    assert.ok(!taken(d, atomic, 'ctl', T1));
    same(both(d, atomic, 'ctl', T1));
  });

  it('keeps entries (and times) as they are when only unowned metadata changed', () => {
    const obj = create(lease(T0), 'kubelet');
    const next = { ...obj, metadata: { ...(obj['metadata'] as JsonObject), resourceVersion: '99' } };
    const r = both(obj, next, 'kubelet', T2);
    same(r);
    assert.equal(r.quick.managedFields?.[0]?.time, T0);
  });

  it('takes the status subresource’s own entry', () => {
    const base = { ...lease(T0), status: {} };
    const obj = create(base, 'kubelet');
    const st = both(
      obj,
      { ...obj, spec: { ...(obj['spec'] as JsonObject), renewTime: T1 } },
      'kubelet',
      T1,
      'status',
    );
    same(st);
  });
});
