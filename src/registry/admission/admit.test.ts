/**
 * ResourceQuota and LimitRanger admission against a real API server, with the quota
 * controller keeping status.used: creates past a hard limit are refused with upstream's
 * message, deletes give room back, LimitRange defaults and bounds apply to new pods.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import { ApiStatusError } from '../../client/errors.js';
import {
  startTestCluster,
  type TestCluster,
  until,
} from '../../controllers/garbagecollector/test-cluster.js';
import { ResourceQuotaController } from '../../controllers/resourcequota/controller.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

describe('quota and limit range admission', () => {
  let c: TestCluster;
  let pods: ResourceClient;
  let quotas: ResourceClient;
  before(async () => {
    c = await startTestCluster((ctx) => [new ResourceQuotaController(ctx)]);
    pods = c.client.resource('', 'v1', 'pods');
    quotas = c.client.resource('', 'v1', 'resourcequotas');
    for (const name of ['q', 'lr'])
      await c.client
        .resource('', 'v1', 'namespaces')
        .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  after(() => c.stop());

  const pod = (name: string, resources: Obj = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'app', image: 'busybox', resources }] },
  });
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiStatusError, 'the create was refused');
    assert.equal(err.code, 403);
    return err.message;
  };
  const used = (name: string, ns: string, want: Record<string, string>) =>
    until(`quota ${name} to show ${JSON.stringify(want)}`, async () => {
      const u = ((await quotas.get(ns, name))['status'] as Obj | undefined)?.['used'] as
        | Record<string, string>
        | undefined;
      return u && Object.entries(want).every(([k, v]) => u[k] === v) ? u : undefined;
    });

  it('counts, refuses past the hard limit, and gives room back on delete', async () => {
    await c.client
      .resource('', 'v1', 'configmaps')
      .create('q', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before' } });
    await quotas.create('q', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'counts' },
      spec: { hard: { pods: '2', configmaps: '3', 'count/secrets': '5' } },
    });
    const first = await used('counts', 'q', { pods: '0', configmaps: '1', 'count/secrets': '0' });
    assert.deepEqual(first, { configmaps: '1', 'count/secrets': '0', pods: '0' });
    const hard = ((await quotas.get('q', 'counts'))['status'] as Obj)['hard'];
    assert.deepEqual(hard, { configmaps: '3', 'count/secrets': '5', pods: '2' });
    await pods.create('q', pod('p1'));
    await pods.create('q', pod('p2'));
    assert.equal(
      await refusal(pods.create('q', pod('p3'))),
      'pods "p3" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2',
    );
    await used('counts', 'q', { pods: '2' });
    await pods.delete('q', 'p1');
    await used('counts', 'q', { pods: '1' });
    await pods.create('q', pod('p3'));
    // A dry run checks without charging.
    await c.client
      .resource('', 'v1', 'configmaps')
      .create('q', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } }, { dryRun: true });
    assert.equal((await used('counts', 'q', { pods: '2' }))['configmaps'], '1');
  });

  it('makes pods state what a compute quota limits', async () => {
    await quotas.create('q', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute' },
      spec: { hard: { 'requests.cpu': '1', 'limits.memory': '1Gi' } },
    });
    await used('compute', 'q', { 'requests.cpu': '0', 'limits.memory': '0' });
    assert.equal(
      await refusal(pods.create('q', pod('bare'))),
      'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app',
    );
  });

  it('gives containers LimitRange defaults and refuses pods out of bounds', async () => {
    await c.client.resource('', 'v1', 'limitranges').create('lr', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limits' },
      spec: {
        limits: [
          {
            type: 'Container',
            max: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
            default: { memory: '128Mi' },
          },
        ],
      },
    });
    // The registry's watch cache may take a moment to show the new LimitRange.
    const made = await until('the defaults', async () => {
      const p = await pods.create('lr', { ...pod(`d-${Date.now()}`) });
      const r = ((p['spec'] as { containers: { resources: Obj }[] }).containers[0]!.resources ?? {}) as Obj;
      return Object.keys(r).length > 0 ? p : undefined;
    });
    assert.deepEqual((made['spec'] as { containers: { resources: Obj }[] }).containers[0]!.resources, {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '128Mi' },
    });
    assert.equal(
      made.metadata?.annotations?.['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
    );
    assert.equal(
      await refusal(pods.create('lr', pod('big', { limits: { cpu: '2' } }))),
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
  });
});
