/**
 * The built-in service load balancer: the admission rules alone, and the controller
 * against a real API server (ingress from ready nodes' InternalIPs, a port conflict
 * keeps the younger Service pending with a Warning until the holder goes, other
 * loadBalancerClasses left alone, ingress cleared when the type changes, nodes that
 * become not ready dropped).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import {
  eventsFor,
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { ServiceLoadBalancerController } from './controller.js';
import { admit, isManaged, nodeAddresses } from './plan.js';

function lb(
  name: string,
  ports: number[],
  extra: Record<string, unknown> = {},
  created = '2024-01-01T00:00:00Z',
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', creationTimestamp: created },
    spec: {
      type: 'LoadBalancer',
      ports: ports.map((p) => ({ name: `p${p}`, port: p, protocol: 'TCP' })),
      ...extra,
    },
  };
}

function node(name: string, ip: string, ready: boolean, labels: Record<string, string> = {}): KObject {
  return {
    metadata: { name, labels },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

describe('servicelb: plan', () => {
  it('manages LoadBalancer Services without a class or with ours', () => {
    assert.equal(isManaged(lb('a', [80])), true);
    assert.equal(isManaged(lb('a', [80], { loadBalancerClass: 'k8ts.io/servicelb' })), true);
    assert.equal(isManaged(lb('a', [80], { loadBalancerClass: 'example.com/other' })), false);
    assert.equal(isManaged(lb('a', [80], { type: 'NodePort' })), false);
  });

  it('uses the InternalIPs of ready, not excluded nodes', () => {
    const nodes = [
      node('b', '10.0.0.2', true),
      node('a', '10.0.0.1', true),
      node('down', '10.0.0.3', false),
      node('out', '10.0.0.4', true, { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }),
    ];
    assert.deepEqual(nodeAddresses(nodes), ['10.0.0.1', '10.0.0.2']);
  });

  it('gives a port to the oldest Service asking for it', () => {
    const got = admit([
      lb('young', [443, 80], {}, '2024-01-03T00:00:00Z'),
      lb('old', [80], {}, '2024-01-01T00:00:00Z'),
      lb('udp', [80], { ports: [{ port: 80, protocol: 'UDP' }] }, '2024-01-02T00:00:00Z'),
      lb('other', [80], { loadBalancerClass: 'x/y' }, '2023-01-01T00:00:00Z'),
    ]);
    assert.deepEqual(
      [...got],
      [
        ['default/old', undefined],
        ['default/udp', undefined],
        ['default/young', { port: 80, protocol: 'TCP', holder: 'default/old' }],
      ],
    );
  });
});

describe('servicelb: controller', () => {
  let cluster: TestCluster;
  let client: Client;
  let running: RunningControllers;
  const services = () => client.resource('', 'v1', 'services');
  const nodes = () => client.resource('', 'v1', 'nodes');

  async function addNode(name: string, ip: string, ready: boolean): Promise<void> {
    const n = node(name, ip, ready);
    const made = await nodes().create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: n.metadata });
    await nodes().updateStatus({ ...made, status: n['status'] });
  }

  async function setReady(name: string, ready: boolean): Promise<void> {
    const n = await nodes().get(undefined, name);
    const status = (n['status'] ?? {}) as Record<string, unknown>;
    await nodes().updateStatus({
      ...n,
      status: { ...status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
  }

  const ingress = async (name: string) =>
    JSON.stringify(
      (
        ((await services().get('default', name))['status'] as Record<string, unknown> | undefined)?.[
          'loadBalancer'
        ] as Record<string, unknown> | undefined
      )?.['ingress'] ?? [],
    );

  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client;
    await addNode('n1', '10.0.0.1', true);
    await addNode('n2', '10.0.0.2', true);
    await addNode('n3', '10.0.0.3', false);
    running = runControllers(client, (ctx) => [new ServiceLoadBalancerController(ctx)]);
  });

  after(async () => {
    await running?.stop();
    await cluster?.close();
  });

  it('sets the ready nodes as ingress, keeps a port conflict pending, then admits it', async () => {
    const { metadata: _a, ...first } = lb('first', [80]);
    await services().create('default', { ...first, metadata: { name: 'first' } });
    const want = JSON.stringify([
      { ip: '10.0.0.1', ipMode: 'VIP' },
      { ip: '10.0.0.2', ipMode: 'VIP' },
    ]);
    await until('first has ingress', async () => (await ingress('first')) === want);
    await new Promise((r) => setTimeout(r, 5));
    const { metadata: _b, ...second } = lb('second', [8080, 80]);
    await services().create('default', { ...second, metadata: { name: 'second' } });
    await until('a warning about the conflict', async () =>
      (await eventsFor(client, 'default', 'second')).some((e) =>
        e.startsWith(
          'SyncLoadBalancerFailed: port 80/TCP is already used by LoadBalancer Service default/first',
        ),
      ),
    );
    assert.equal(await ingress('second'), '[]');
    await services().delete('default', 'first');
    await until('second admitted', async () => (await ingress('second')) === want);
  });

  it('follows node readiness', async () => {
    await setReady('n2', false);
    await until(
      'n2 dropped',
      async () => (await ingress('second')) === JSON.stringify([{ ip: '10.0.0.1', ipMode: 'VIP' }]),
    );
    await setReady('n3', true);
    await until(
      'n3 added',
      async () =>
        (await ingress('second')) ===
        JSON.stringify([
          { ip: '10.0.0.1', ipMode: 'VIP' },
          { ip: '10.0.0.3', ipMode: 'VIP' },
        ]),
    );
  });

  it('leaves other classes alone and clears the ingress when the type changes', async () => {
    await services().create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'foreign' },
      spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 9000 }] },
    });
    const svc = await services().get('default', 'second');
    const {
      externalTrafficPolicy: _e,
      healthCheckNodePort: _h,
      allocateLoadBalancerNodePorts: _a,
      ...rest
    } = svc['spec'] as Record<string, unknown>;
    const ports = (rest['ports'] as Record<string, unknown>[]).map(({ nodePort: _n, ...p }) => p);
    await services().update({ ...svc, spec: { ...rest, ports, type: 'ClusterIP' } });
    await until('second cleared', async () => (await ingress('second')) === '[]');
    assert.equal(await ingress('foreign'), '[]');
  });
});
