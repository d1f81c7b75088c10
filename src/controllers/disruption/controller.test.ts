/**
 * The disruption controller and the eviction subresource against a real API server:
 * budget status from pod readiness and controller scale, evictions that spend the budget,
 * 429 when it is spent, and the cases that bypass or break it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import { ApiStatusError } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { gone, startTestCluster, type TestCluster, until } from '../garbagecollector/test-cluster.js';
import { DisruptionController } from './controller.js';

type Obj = Record<string, unknown>;

describe('disruption budgets and eviction', () => {
  let c: TestCluster;
  let pods: ResourceClient;
  let pdbs: ResourceClient;
  before(async () => {
    c = await startTestCluster((ctx) => [new DisruptionController(ctx)]);
    pods = c.client.resource('', 'v1', 'pods');
    pdbs = c.client.resource('policy', 'v1', 'poddisruptionbudgets');
  });
  after(() => c.stop());

  const pod = async (name: string, labels: Record<string, string>, phase = 'Running', owner?: KObject) => {
    const p = await pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels,
        ...(owner
          ? {
              ownerReferences: [
                {
                  apiVersion: owner.apiVersion!,
                  kind: owner.kind!,
                  name: owner.metadata!.name!,
                  uid: owner.metadata!.uid!,
                  controller: true,
                },
              ],
            }
          : {}),
      },
      spec: {
        nodeName: 'n1',
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'c', image: 'busybox' }],
      },
    });
    return pods.updateStatus({
      ...p,
      status: {
        phase,
        podIP: '10.42.0.9',
        conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }],
      },
    });
  };
  const budget = (name: string, spec: Obj) =>
    pdbs.create('default', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec,
    });
  const statusOf = async (name: string, when: (s: Obj) => boolean) =>
    until(`the status of ${name}`, async () => {
      const s = (await pdbs.get('default', name))['status'] as Obj | undefined;
      return s && when(s) ? s : undefined;
    });
  const evict = async (name: string): Promise<ApiStatusError | 'evicted'> => {
    const res = await c.client.transport.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
      body: JSON.stringify({
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'default' },
      }),
      contentType: 'application/json',
    });
    if (res.status === 201) return 'evicted';
    const status = JSON.parse(res.body.toString()) as Obj;
    return new ApiStatusError(res.status, status);
  };

  it('computes status, spends the budget on evictions, then refuses with 429', async () => {
    for (const n of ['a-1', 'a-2', 'a-3']) await pod(n, { app: 'a' });
    await budget('a', { minAvailable: 2, selector: { matchLabels: { app: 'a' } } });
    const s = await statusOf('a', (x) => x['disruptionsAllowed'] === 1);
    assert.equal(s['currentHealthy'], 3);
    assert.equal(s['desiredHealthy'], 2);
    assert.equal(s['expectedPods'], 3);
    assert.equal(s['observedGeneration'], 1);
    assert.deepEqual(
      (s['conditions'] as Obj[]).map((x) => [x['type'], x['status'], x['reason']]),
      [['DisruptionAllowed', 'True', 'SufficientPods']],
    );
    assert.equal(await evict('a-1'), 'evicted');
    assert.ok(await gone(() => pods.get('default', 'a-1')));
    const after1 = (await pdbs.get('default', 'a'))['status'] as Obj;
    assert.equal(after1['disruptionsAllowed'], 0);
    const refused = await evict('a-2');
    assert.ok(refused instanceof ApiStatusError);
    assert.equal(refused.code, 429);
    assert.equal(refused.reason, 'TooManyRequests');
    assert.equal(refused.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    const causes = (refused.status.details as { causes: Obj[] }).causes;
    assert.equal(causes[0]!['type'], 'DisruptionBudget');
    assert.match(
      String(causes[0]!['message']),
      /^The disruption budget a needs 2 healthy pods and has [23] currently$/,
    );
    // Once the controller has seen the pod go, the budget settles at 2 healthy, 0 allowed.
    const settled = await statusOf('a', (x) => x['currentHealthy'] === 2 && x['disruptedPods'] === undefined);
    assert.equal(settled['disruptionsAllowed'], 0);
    assert.equal(((settled['conditions'] as Obj[])[0] as Obj)['reason'], 'InsufficientPods');
    // Loosening the budget lets the next eviction through.
    await pdbs.patch('default', 'a', { spec: { minAvailable: 1 } });
    await statusOf('a', (x) => x['disruptionsAllowed'] === 1 && x['observedGeneration'] === 2);
    assert.equal(await evict('a-2'), 'evicted');
  });

  it('evicts pods that are not running regardless, and refuses pods under two budgets', async () => {
    await pod('b-pending', { app: 'b' }, 'Pending');
    await pod('b-run', { app: 'b', tier: 'x' });
    await budget('b', { minAvailable: 5, selector: { matchLabels: { app: 'b' } } });
    await statusOf('b', (x) => x['expectedPods'] === 2);
    assert.equal(await evict('b-pending'), 'evicted');
    await budget('b2', { maxUnavailable: 0, selector: { matchLabels: { tier: 'x' } } });
    const err = await evict('b-run');
    assert.ok(err instanceof ApiStatusError);
    assert.equal(err.code, 500);
    assert.match(
      err.message,
      /This pod has more than one PodDisruptionBudget, which the eviction subresource does not support\./,
    );
  });

  it('uses the controllers scale for percentages, and fails safe without a controller', async () => {
    const rs = await c.client.resource('apps', 'v1', 'replicasets').create('default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'c' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'c' } },
        template: {
          metadata: { labels: { app: 'c' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    for (const n of ['c-1', 'c-2', 'c-3']) await pod(n, { app: 'c' }, 'Running', rs);
    await budget('c', { maxUnavailable: '50%', selector: { matchLabels: { app: 'c' } } });
    const s = await statusOf('c', (x) => x['expectedPods'] === 4);
    assert.deepEqual([s['desiredHealthy'], s['currentHealthy'], s['disruptionsAllowed']], [2, 3, 1]);
    await pod('c-stray', { app: 'c' }, 'Running', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'ghost', uid: 'nope' },
    });
    const failed = await statusOf('c', (x) =>
      ((x['conditions'] as Obj[]) ?? []).some((k) => k['reason'] === 'SyncFailed'),
    );
    assert.equal(failed['disruptionsAllowed'], 0);
  });
});
