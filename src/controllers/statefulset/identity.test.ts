/** Pod identity, claims, status and claim retention of StatefulSets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../framework/pods.js';
import {
  claimsFor,
  identityMatches,
  inOrdinalRange,
  newStatefulPod,
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  parentAndOrdinal,
  REVISION_LABEL,
  storageMatches,
} from './identity.js';
import { claimOwnerRefs } from './retention.js';
import { completeRollingUpdate, computeStatus, statusChanged } from './status.js';
import { makePod, makeSet, NOW } from './testing.js';

const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true };

describe('StatefulSet identity', () => {
  it('parses the parent and ordinal of a pod name', () => {
    assert.deepEqual(parentAndOrdinal('web-12'), { parent: 'web', ordinal: 12 });
    assert.deepEqual(parentAndOrdinal('my-db-0'), { parent: 'my-db', ordinal: 0 });
    assert.deepEqual(parentAndOrdinal('web'), { parent: '', ordinal: -1 });
    assert.deepEqual(parentAndOrdinal('web-x'), { parent: '', ordinal: -1 });
  });

  it('builds a pod with its name, labels, hostname, subdomain, claims and owner', () => {
    const set = makeSet({ claims: ['data'] });
    const template = structuredClone(set.spec!.template);
    template.spec!.volumes = [
      { name: 'data', emptyDir: {} },
      { name: 'cfg', emptyDir: {} },
    ];
    const pod = newStatefulPod(set, template, 1, 'web-abc', ref) as Pod;
    assert.equal(pod.metadata?.name, 'web-1');
    assert.equal(pod.metadata?.namespace, 'ns');
    assert.equal(pod.metadata?.generateName, undefined);
    assert.deepEqual(pod.metadata?.labels, {
      app: 'web',
      [POD_NAME_LABEL]: 'web-1',
      [POD_INDEX_LABEL]: '1',
      [REVISION_LABEL]: 'web-abc',
    });
    assert.deepEqual(pod.metadata?.ownerReferences, [ref]);
    assert.equal(pod.spec?.hostname, 'web-1');
    assert.equal(pod.spec?.subdomain, 'svc');
    assert.deepEqual(pod.spec?.volumes, [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } },
      { name: 'cfg', emptyDir: {} },
    ]);
    assert.ok(identityMatches(set, pod));
    assert.ok(storageMatches(set, pod));
    assert.ok(!storageMatches(makeSet({ claims: ['other'] }), pod));
    assert.ok(!identityMatches(set, makePod(1, { labels: false })));
  });

  it('names and labels claims after the template, set and ordinal', () => {
    const set = makeSet({ claims: ['data', 'logs'] });
    const claims = claimsFor(set, 2);
    assert.deepEqual(
      claims.map((c) => c.metadata?.name),
      ['data-web-2', 'logs-web-2'],
    );
    assert.deepEqual(claims[0]?.metadata?.labels, { app: 'web' });
    assert.equal(claims[0]?.metadata?.namespace, 'ns');
    assert.deepEqual(claims[0]?.spec, { accessModes: ['ReadWriteOnce'] });
  });

  it('knows the wanted ordinal range', () => {
    const set = makeSet({ replicas: 2, start: 3 });
    assert.deepEqual(
      [2, 3, 4, 5].map((o) => inOrdinalRange(makePod(o), set)),
      [false, true, true, false],
    );
  });
});

describe('StatefulSet status', () => {
  it('counts created, ready, available, current and updated pods', () => {
    const set = makeSet({ replicas: 3 });
    const pods = [
      makePod(0, { rev: 'r1' }),
      makePod(1, { rev: 'r2' }),
      makePod(2, { rev: 'r2', phase: 'Pending' }),
      makePod(3, { rev: 'r2', deleting: true }),
    ];
    const s = computeStatus(set, pods, { current: 'r1', update: 'r2', collisionCount: 0 }, NOW);
    assert.deepEqual(s, {
      observedGeneration: 2,
      replicas: 4,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 1,
      updatedReplicas: 2,
      currentRevision: 'r1',
      updateRevision: 'r2',
      collisionCount: 0,
    });
    assert.equal(completeRollingUpdate(set, s), s, 'not complete');
  });

  it('completes a rolling update when every wanted pod is updated and ready', () => {
    const set = makeSet({ replicas: 2 });
    const pods = [makePod(0, { rev: 'r2' }), makePod(1, { rev: 'r2' })];
    const s = completeRollingUpdate(
      set,
      computeStatus(set, pods, { current: 'r1', update: 'r2', collisionCount: 0 }, NOW),
    );
    assert.equal(s.currentRevision, 'r2');
    assert.equal(s.currentReplicas, 2);
    assert.ok(statusChanged(set, s));
    assert.ok(!statusChanged({ ...set, status: s }, s));
  });
});

describe('StatefulSet claim retention', () => {
  const claim = (refs: PersistentVolumeClaim['metadata'] = {}): PersistentVolumeClaim => ({
    metadata: { name: 'data-web-1', ...refs },
  });
  const setRef = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: 'web',
    uid: 'set-uid',
    controller: true,
    blockOwnerDeletion: true,
  };
  const podRef = (o: number) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    name: `web-${o}`,
    uid: `uid-${o}`,
    controller: true,
    blockOwnerDeletion: true,
  });

  it('leaves claims unowned with Retain', () => {
    assert.equal(claimOwnerRefs(claim(), makeSet(), makePod(1)), undefined);
    assert.deepEqual(claimOwnerRefs(claim({ ownerReferences: [setRef] }), makeSet(), makePod(1)), []);
  });

  it('makes the set own the claims of wanted pods with whenDeleted=Delete', () => {
    const set = makeSet({ retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    assert.deepEqual(claimOwnerRefs(claim(), set, makePod(1)), [setRef]);
    assert.equal(claimOwnerRefs(claim({ ownerReferences: [setRef] }), set, makePod(1)), undefined);
  });

  it('makes a scaled-down pod own its claims with whenScaled=Delete', () => {
    const set = makeSet({ replicas: 1, retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } });
    assert.deepEqual(claimOwnerRefs(claim({ ownerReferences: [setRef] }), set, makePod(1)), [podRef(1)]);
    assert.deepEqual(claimOwnerRefs(claim(), set, makePod(0)), [setRef]);
  });

  it('does not touch claims controlled by others or by an older set', () => {
    const set = makeSet({ retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    const other = { apiVersion: 'v1', kind: 'Thing', name: 'x', uid: 'x', controller: true };
    assert.equal(claimOwnerRefs(claim({ ownerReferences: [other] }), set, makePod(1)), undefined);
    const stale = { ...setRef, uid: 'old-uid' };
    assert.equal(claimOwnerRefs(claim({ ownerReferences: [stale] }), set, makePod(1)), undefined);
  });
});
