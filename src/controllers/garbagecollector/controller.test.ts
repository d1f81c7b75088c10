/** The garbage collector against a real API server: background, foreground and orphan cascades. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import { GarbageCollector } from './controller.js';
import { gone, startTestCluster, type TestCluster, until } from './test-cluster.js';

describe('garbage collector', () => {
  let c: TestCluster;
  let rs: ResourceClient;
  let pods: ResourceClient;
  let cms: ResourceClient;
  before(async () => {
    c = await startTestCluster((ctx) => [new GarbageCollector(ctx)]);
    rs = c.client.resource('apps', 'v1', 'replicasets');
    pods = c.client.resource('', 'v1', 'pods');
    cms = c.client.resource('', 'v1', 'configmaps');
  });
  after(() => c.stop());

  const owner = (name: string) =>
    rs.create('default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name },
      spec: {
        replicas: 0,
        selector: { matchLabels: { owner: name } },
        template: {
          metadata: { labels: { owner: name } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
  const refTo = (o: KObject, block = true, controller = true) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: o.metadata!.name!,
    uid: o.metadata!.uid!,
    controller,
    ...(block ? { blockOwnerDeletion: true } : {}),
  });
  const dependent = (name: string, refs: OwnerReference[]) =>
    pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ownerReferences: refs },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox' }] },
    });

  it('deletes dependents of an owner deleted in the background', async () => {
    const o = await owner('bg');
    await dependent('bg-1', [refTo(o)]);
    await dependent('bg-2', [refTo(o)]);
    await rs.delete('default', 'bg', { propagationPolicy: 'Background' });
    await until(
      'the dependents to go',
      async () =>
        (await gone(() => pods.get('default', 'bg-1'))) && (await gone(() => pods.get('default', 'bg-2'))),
    );
  });

  it('deletes dependents first, then the owner, in the foreground', async () => {
    const o = await owner('fg');
    await dependent('fg-1', [refTo(o)]);
    await dependent('fg-2', [refTo(o, false)]);
    const marked = await rs.delete('default', 'fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.metadata?.finalizers, ['foregroundDeletion']);
    await until('the owner to go', () => gone(() => rs.get('default', 'fg')));
    assert.ok(await gone(() => pods.get('default', 'fg-1')), 'the blocking dependent went first');
    await until('the other dependent to go', () => gone(() => pods.get('default', 'fg-2')));
  });

  it('keeps an owner in foreground deletion while a blocking dependent remains', async () => {
    const o = await owner('hold');
    await cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'hold-dep', ownerReferences: [refTo(o)], finalizers: ['example.com/hold'] },
    });
    await rs.delete('default', 'hold', { propagationPolicy: 'Foreground' });
    const dep = await until('the dependent to be marked for deletion', async () => {
      const d = await cms.get('default', 'hold-dep');
      return d.metadata?.deletionTimestamp ? d : undefined;
    });
    assert.ok(dep);
    assert.ok((await rs.get('default', 'hold')).metadata?.deletionTimestamp, 'the owner waits');
    await cms.patch('default', 'hold-dep', { metadata: { finalizers: null } });
    await until('the owner to go', () => gone(() => rs.get('default', 'hold')));
  });

  it('orphans dependents: removes the reference, then the owner goes and they stay', async () => {
    const o = await owner('or');
    const other = await cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'or-other' },
    });
    const otherRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'or-other', uid: other.metadata!.uid! };
    await dependent('or-1', [refTo(o), otherRef]);
    await rs.delete('default', 'or', { propagationPolicy: 'Orphan' });
    await until('the owner to go', () => gone(() => rs.get('default', 'or')));
    const kept = await pods.get('default', 'or-1');
    assert.deepEqual(kept.metadata?.ownerReferences, [otherRef]);
  });

  it('treats a reference to a name now held by another UID as gone', async () => {
    const o = await owner('reborn');
    await dependent('reborn-1', [refTo(o)]);
    await c.client
      .resource('apps', 'v1', 'replicasets')
      .delete('default', 'reborn', { propagationPolicy: 'Orphan' });
    await until('the first owner to go', () => gone(() => rs.get('default', 'reborn')));
    // The orphaned pod lost its reference; point a new pod at the old UID under a recreated name.
    await owner('reborn');
    await dependent('reborn-2', [refTo(o)]);
    await until('the stale dependent to go', () => gone(() => pods.get('default', 'reborn-2')));
    assert.ok(await pods.get('default', 'reborn-1'));
  });

  it('drops a dangling reference when another owner lives', async () => {
    const a = await owner('two-a');
    const b = await owner('two-b');
    await dependent('two-1', [refTo(a), refTo(b, false, false)]);
    await rs.delete('default', 'two-a', { propagationPolicy: 'Background' });
    const kept = await until('the reference to go', async () => {
      const p = await pods.get('default', 'two-1');
      return p.metadata?.ownerReferences?.length === 1 ? p : undefined;
    });
    assert.equal(kept.metadata?.ownerReferences?.[0]?.uid, b.metadata!.uid);
  });
});
