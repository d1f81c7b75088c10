/** The prepare steps of Service writes: clusterIP/clusterIPs in step, allocated values kept, unused ones dropped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../types.js';
import { prepareServiceCreate, prepareServiceUpdate } from './prepare.js';

type Obj = Record<string, unknown>;
const svc = (spec: Obj, status?: Obj): KObject => ({
  metadata: { name: 's' },
  spec,
  ...(status ? { status } : {}),
});
const spec = (o: KObject) => o['spec'] as Obj;

const nodePortSvc = () =>
  svc({
    type: 'NodePort',
    clusterIP: '10.43.9.9',
    clusterIPs: ['10.43.9.9'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    externalTrafficPolicy: 'Cluster',
    ports: [
      { name: 'a', port: 80, nodePort: 30001 },
      { name: 'b', port: 81, nodePort: 30002 },
    ],
  });

describe('prepareServiceCreate', () => {
  it('fills clusterIPs from clusterIP and leaves both-empty alone', () => {
    const a = svc({ clusterIP: 'None' });
    prepareServiceCreate(a);
    assert.deepEqual(spec(a)['clusterIPs'], ['None']);
    const b = svc({});
    prepareServiceCreate(b);
    assert.equal(spec(b)['clusterIPs'], undefined);
  });
});

describe('prepareServiceUpdate', () => {
  it('keeps the allocated clusterIP and nodePorts a re-applied manifest leaves out', () => {
    const next = svc({
      type: 'NodePort',
      ports: [
        { name: 'b', port: 81 },
        { name: 'a', port: 80 },
      ],
    });
    prepareServiceUpdate(next, nodePortSvc());
    assert.equal(spec(next)['clusterIP'], '10.43.9.9');
    assert.deepEqual(spec(next)['clusterIPs'], ['10.43.9.9']);
    assert.deepEqual(
      (spec(next)['ports'] as Obj[]).map((p) => p['nodePort']),
      [30002, 30001],
    );
  });

  it('does not patch a nodePort the client moved to another port', () => {
    const next = svc({
      type: 'NodePort',
      ports: [
        { name: 'a', port: 80 },
        { name: 'b', port: 81, nodePort: 30001 },
      ],
    });
    prepareServiceUpdate(next, nodePortSvc());
    assert.deepEqual(
      (spec(next)['ports'] as Obj[]).map((p) => p['nodePort']),
      [undefined, 30001],
    );
  });

  it('follows a changed clusterIP into clusterIPs, so validation sees the change', () => {
    const next = nodePortSvc();
    spec(next)['clusterIP'] = '10.43.1.1';
    prepareServiceUpdate(next, nodePortSvc());
    assert.deepEqual(spec(next)['clusterIPs'], ['10.43.1.1']);
  });

  it('drops unchanged nodePorts and externalTrafficPolicy on NodePort -> ClusterIP', () => {
    const next = nodePortSvc();
    spec(next)['type'] = 'ClusterIP';
    prepareServiceUpdate(next, nodePortSvc());
    assert.deepEqual(
      (spec(next)['ports'] as Obj[]).map((p) => p['nodePort']),
      [undefined, undefined],
    );
    assert.equal(spec(next)['externalTrafficPolicy'], undefined);
    assert.equal(spec(next)['clusterIP'], '10.43.9.9');
  });

  it('keeps nodePorts the client added while changing the type (validation refuses them)', () => {
    const next = nodePortSvc();
    spec(next)['type'] = 'ClusterIP';
    (spec(next)['ports'] as Obj[])[0]!['nodePort'] = 30999;
    prepareServiceUpdate(next, nodePortSvc());
    assert.equal((spec(next)['ports'] as Obj[])[0]!['nodePort'], 30999);
  });

  it('drops the ClusterIP fields on a change to ExternalName, and a load balancer status off LoadBalancer', () => {
    const next = nodePortSvc();
    spec(next)['type'] = 'ExternalName';
    prepareServiceUpdate(next, nodePortSvc());
    for (const f of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'])
      assert.equal(spec(next)[f], undefined, f);
    const lb = svc(
      {
        type: 'LoadBalancer',
        allocateLoadBalancerNodePorts: true,
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 30500,
        ports: [],
      },
      { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } },
    );
    const toCluster = structuredClone(lb);
    spec(toCluster)['type'] = 'ClusterIP';
    prepareServiceUpdate(toCluster, lb);
    assert.equal(spec(toCluster)['healthCheckNodePort'], undefined);
    assert.equal(spec(toCluster)['allocateLoadBalancerNodePorts'], undefined);
    assert.deepEqual((toCluster['status'] as Obj)['loadBalancer'], {});
  });
});
