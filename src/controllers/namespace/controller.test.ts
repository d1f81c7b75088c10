/**
 * The namespace controller against a real API server: a deleted namespace loses its
 * content, reports what it waits for, and goes through /finalize; admission refuses new
 * objects while it terminates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiStatusError } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { gone, startTestCluster, type TestCluster, until } from '../garbagecollector/test-cluster.js';
import { NamespaceController } from './controller.js';

describe('namespace controller', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster((ctx) => [new NamespaceController(ctx)]);
  });
  after(() => c.stop());

  const ns = () => c.client.resource('', 'v1', 'namespaces');
  const cms = () => c.client.resource('', 'v1', 'configmaps');
  const create = (name: string) =>
    ns().create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const cm = (name: string, extra: Record<string, unknown> = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...extra },
  });

  it('deletes everything in a terminating namespace, then the namespace', async () => {
    await create('doomed');
    await cms().create('doomed', cm('a'));
    await c.client
      .resource('', 'v1', 'secrets')
      .create('doomed', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    await c.client.resource('apps', 'v1', 'deployments').create('doomed', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    const marked = await ns().delete(undefined, 'doomed');
    assert.equal((marked['status'] as { phase: string }).phase, 'Terminating');
    await until('the namespace to go', () => gone(() => ns().get(undefined, 'doomed')));
    assert.equal((await cms().list('doomed')).items.length, 0);
  });

  it('refuses new objects in a terminating namespace', async () => {
    await create('closing');
    await cms().create('closing', cm('held', { finalizers: ['example.com/hold'] }));
    await ns().delete(undefined, 'closing');
    const err = await cms()
      .create('closing', cm('late'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiStatusError);
    assert.equal(err.code, 403);
    assert.equal(
      err.message,
      'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    );
    // It waits for the finalizer, and says so.
    const conds = await until('the finalizer to be reported', async () => {
      const n = await ns().get(undefined, 'closing');
      const list =
        (n['status'] as { conditions?: { type: string; status: string; message: string }[] }).conditions ??
        [];
      const f = list.find((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True');
      return f ? list : undefined;
    });
    assert.equal(
      conds.find((x) => x.type === 'NamespaceFinalizersRemaining')?.message,
      'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    );
    assert.equal(
      conds.find((x) => x.type === 'NamespaceContentRemaining')?.message,
      'Some resources are remaining: configmaps. has 1 resource instances',
    );
    await cms().patch('closing', 'held', { metadata: { finalizers: null } });
    await until('the namespace to go', () => gone(() => ns().get(undefined, 'closing')));
  });

  it('finalize changes only spec.finalizers, and an emptied terminating namespace is removed', async () => {
    const made = await c.client.resource('', 'v1', 'namespaces').create(undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'fin' },
    });
    const body = structuredClone(made);
    body['spec'] = { finalizers: ['kubernetes', 'example.com/extra'] };
    body.metadata!.labels = { changed: 'no' };
    const fin = await ns().update(body, { subresource: 'finalize' });
    assert.deepEqual((fin['spec'] as { finalizers: string[] }).finalizers, [
      'kubernetes',
      'example.com/extra',
    ]);
    assert.equal(fin.metadata?.labels?.['changed'], undefined);
    // A live namespace keeps its finalizers: nothing is removed.
    await ns().update({ ...fin, spec: { finalizers: [] } }, { subresource: 'finalize' });
    assert.ok(await ns().get(undefined, 'fin'));
  });
});
