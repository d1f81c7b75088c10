/**
 * The Endpoints and EndpointSlice controllers against a real API server: addresses follow
 * pod readiness, named ports resolve, services without selectors are left alone, and a
 * deleted service takes its endpoints along.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import { EndpointSliceController } from '../endpointslice/controller.js';
import { GarbageCollector } from '../garbagecollector/controller.js';
import { gone, startTestCluster, type TestCluster, until } from '../garbagecollector/test-cluster.js';
import { EndpointsController } from './controller.js';

type Obj = Record<string, unknown>;

describe('endpoints and endpointslice controllers', () => {
  let c: TestCluster;
  let pods: ResourceClient;
  let services: ResourceClient;
  let endpoints: ResourceClient;
  let slices: ResourceClient;
  before(async () => {
    c = await startTestCluster((ctx) => [
      new EndpointsController(ctx),
      new EndpointSliceController(ctx),
      new GarbageCollector(ctx),
    ]);
    pods = c.client.resource('', 'v1', 'pods');
    services = c.client.resource('', 'v1', 'services');
    endpoints = c.client.resource('', 'v1', 'endpoints');
    slices = c.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
  });
  after(() => c.stop());

  const runPod = async (name: string, ip: string, ready: boolean, labels = { app: 'web' }) => {
    const p = await pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: {
        nodeName: 'node-1',
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }],
      },
    });
    return setReady(p, ip, ready);
  };
  const setReady = async (p: KObject, ip: string, ready: boolean) =>
    pods.updateStatus({
      ...p,
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });
  const subsetsOf = async (name: string) => {
    try {
      return ((await endpoints.get('default', name))['subsets'] ?? []) as Obj[];
    } catch {
      return undefined;
    }
  };
  const slicesOf = async (svc: string) =>
    (await slices.list('default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;

  it('lists ready and not-ready pod addresses on the resolved target port', async () => {
    await services.create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await runPod('web-1', '10.42.0.11', true);
    const p2 = await runPod('web-2', '10.42.0.12', false);
    await runPod('other', '10.42.0.13', true, { app: 'other' });
    const subsets = await until('both addresses', async () => {
      const s = await subsetsOf('web');
      return s?.[0]?.['addresses'] && s[0]['notReadyAddresses'] ? s : undefined;
    });
    assert.deepEqual(subsets, [
      {
        addresses: [
          {
            ip: '10.42.0.11',
            nodeName: 'node-1',
            targetRef: {
              kind: 'Pod',
              namespace: 'default',
              name: 'web-1',
              uid: (await pods.get('default', 'web-1')).metadata?.uid,
            },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.42.0.12',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2', uid: p2.metadata?.uid },
          },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    // Readiness moves the address.
    await setReady(await pods.get('default', 'web-2'), '10.42.0.12', true);
    await until('two ready addresses', async () => {
      const s = await subsetsOf('web');
      return (s?.[0]?.['addresses'] as Obj[] | undefined)?.length === 2 && !s?.[0]?.['notReadyAddresses']
        ? true
        : undefined;
    });
    const [slice] = await until('one slice with both endpoints', async () => {
      const list = await slicesOf('web');
      return list.length === 1 && (list[0]!['endpoints'] as Obj[]).length === 2 ? list : undefined;
    });
    assert.equal(slice!['addressType'], 'IPv4');
    assert.equal(
      slice!.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'],
      'endpointslice-controller.k8s.io',
    );
    assert.deepEqual(slice!['ports'], [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      (slice!['endpoints'] as { addresses: string[]; conditions: Obj }[])
        .map((e) => [e.addresses[0], e.conditions])
        .sort(),
      [
        ['10.42.0.11', { ready: true, serving: true, terminating: false }],
        ['10.42.0.12', { ready: true, serving: true, terminating: false }],
      ],
    );
    // A deleted pod leaves.
    await pods.delete('default', 'web-1', { gracePeriodSeconds: 0 });
    await until('one address', async () => {
      const s = await subsetsOf('web');
      return (s?.[0]?.['addresses'] as Obj[] | undefined)?.length === 1 ? true : undefined;
    });
  });

  it('leaves the endpoints of a service without a selector to the user', async () => {
    await services.create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'manual' },
      spec: { ports: [{ port: 5432 }] },
    });
    await endpoints.create('default', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'manual' },
      subsets: [{ addresses: [{ ip: '192.168.1.5' }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
    // Once the controllers have handled a later pod event, the user's endpoints are still as written.
    await runPod('bystander', '10.42.0.20', true);
    await until('the controllers to list the new pod under web', async () => {
      const s = await subsetsOf('web');
      return JSON.stringify(s ?? []).includes('10.42.0.20') ? true : undefined;
    });
    assert.deepEqual(await subsetsOf('manual'), [
      { addresses: [{ ip: '192.168.1.5' }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    assert.equal((await slicesOf('manual')).length, 0);
  });

  it('gives a service without pods an empty placeholder slice, and removes endpoints with the service', async () => {
    await services.create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'empty' },
      spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] },
    });
    const [placeholder] = await until('a placeholder', async () => {
      const list = await slicesOf('empty');
      return list.length === 1 ? list : undefined;
    });
    assert.deepEqual(placeholder!['endpoints'], []);
    assert.ok(await until('empty endpoints', () => subsetsOf('empty')));
    await services.delete('default', 'empty');
    await until('the endpoints to go', () => gone(() => endpoints.get('default', 'empty')));
    await until('the slices to go', async () => ((await slicesOf('empty')).length === 0 ? true : undefined));
  });
});
