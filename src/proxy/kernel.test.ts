/**
 * The service proxy against the real kernel, inside a throwaway network namespace that
 * plays the node (pods are namespaces on its bridge running small servers), driven by
 * Services and EndpointSlices in a real API server: ClusterIP balancing from the node
 * and from pods, immediate refusal without endpoints, NodePort on 127.0.0.1 and the
 * node IP, LoadBalancer and external IPs, client IP affinity, hairpin traffic, an
 * endpoint on the node's own 127.0.0.1 (API server, cluster DNS), source
 * IP kept under externalTrafficPolicy Local, incremental updates, UDP conntrack
 * clean-up, repair of a deleted table, and a clean kernel after stop(). Needs root, nft,
 * ip, conntrack; touches nothing outside its namespaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import type { Client } from '../client/client.js';
import { until } from '../controllers/framework/testing.js';
import type { KObject } from '../registry/types.js';
import { ROUTE_PROTO } from './host.js';
import { proxyTableName } from './names.js';
import { ServiceProxy, type SyncReport } from './proxy.js';
import { commandRunner } from './runner.js';
import { HTTP_PORT, kernelTestsUnavailable, NodeNamespace, type Pod, UDP_PORT } from './testing.js';

const NS = `k8ts-proxy-test-${process.pid}`;
const BRIDGE = 'k8tsproxytest';
const NODE_IP = '10.99.0.1';
const skip = await kernelTestsUnavailable();

describe('service proxy in a network namespace', { skip: skip ?? false, timeout: 240_000 }, () => {
  let api: TestApiServer;
  let client: Client;
  let node: NodeNamespace;
  let proxy: ServiceProxy;
  let p1: Pod;
  let p2: Pod;
  let c: Pod;
  const syncs: SyncReport[] = [];

  const services = () => client.resource('', 'v1', 'services');
  const slices = () => client.resource('discovery.k8s.io', 'v1', 'endpointslices');

  async function service(name: string, spec: Record<string, unknown>): Promise<KObject> {
    return services().create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
  }

  const endpoint = (p: Pod, node = 'n1') => ({
    addresses: [p.ip],
    conditions: { ready: true },
    nodeName: node,
  });

  async function setEndpoints(svc: string, eps: unknown[], port: Record<string, unknown>): Promise<void> {
    const name = `${svc}-1`;
    const body = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
      addressType: 'IPv4',
      ports: [port],
      endpoints: eps,
    };
    const existing = await slices()
      .get('default', name)
      .catch(() => undefined);
    if (!existing) await slices().create('default', body);
    else
      await slices().update({
        ...body,
        metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion },
      });
  }

  const httpPort = { name: 'http', port: HTTP_PORT, protocol: 'TCP' };

  /** Waits until the proxy applied `svc` with `n` endpoints on its first port. */
  async function applied(svc: string, n: number): Promise<void> {
    await until(
      `${svc} applied with ${n} endpoints`,
      () => proxy.proxier.applied().get(`default/${svc}`)?.[0]?.endpoints.length === n,
      20_000,
    );
  }

  const names = (rs: string[]) => [...new Set(rs.map((r) => r.split(' ')[0]))].sort();

  before(async () => {
    api = await startTestApiServer();
    client = api.client();
    node = await NodeNamespace.create({
      ns: NS,
      bridge: BRIDGE,
      gateway: '10.42.0.1',
      podPrefixLength: 24,
      nodeIP: NODE_IP,
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
    });
    proxy = new ServiceProxy({
      client,
      nodeName: 'n1',
      nodeIP: NODE_IP,
      bridge: BRIDGE,
      gateway: '10.42.0.1',
      podCIDR: '10.42.0.0/24',
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      runner: commandRunner(['ip', 'netns', 'exec', NS]),
      log: () => undefined,
      resyncMs: 2_000,
      healthChecks: false,
    });
    proxy.onSync = (r) => syncs.push(r);
    proxy.start();
    // The proxy makes the bridge (as the CNI plugin would); the pods join it.
    await until('first sync', () => syncs.length > 0, 20_000);
    p1 = await node.addPod('p1', '10.42.0.11');
    p2 = await node.addPod('p2', '10.42.0.12');
    c = await node.addPod('c', '10.42.0.13');
  });

  after(async () => {
    await proxy?.stop();
    await node?.close();
    await api?.close();
  });

  it('balances a ClusterIP over both endpoints, from the node and from a pod', async () => {
    await service('web', {
      clusterIP: '10.43.0.100',
      type: 'LoadBalancer',
      externalIPs: ['192.0.2.77'],
      ports: [{ name: 'http', port: 80, targetPort: HTTP_PORT, nodePort: 30100, protocol: 'TCP' }],
    });
    await setEndpoints('web', [endpoint(p1), endpoint(p2)], httpPort);
    await applied('web', 2);
    assert.deepEqual(names(await node.http(undefined, 'http://10.43.0.100/', 30)), ['p1', 'p2']);
    assert.deepEqual(names(await node.http(c, 'http://10.43.0.100/', 30)), ['p1', 'p2']);
    const route = await node.exec(['ip', 'route', 'get', '10.43.0.100']);
    assert.match(route, new RegExp(`dev ${BRIDGE} src 10\\.42\\.0\\.1`));
    assert.doesNotMatch(route, /via/);
    const fromPod = await node.http(c, 'http://10.43.0.100/', 1);
    assert.match(fromPod[0] ?? '', / 10\.42\.0\.13$/, 'pod sources are not masqueraded for a ClusterIP');
  });

  it('serves NodePorts on 127.0.0.1 and the node IP, LoadBalancer and external IPs', async () => {
    await services().updateStatus({
      ...(await services().get('default', 'web')),
      status: { loadBalancer: { ingress: [{ ip: NODE_IP, ipMode: 'VIP' }] } },
    });
    await until(
      'LB IP applied',
      () => proxy.proxier.applied().get('default/web')?.[0]?.loadBalancerIPs.length === 1,
      20_000,
    );
    assert.deepEqual(names(await node.http(undefined, 'http://127.0.0.1:30100/', 20)), ['p1', 'p2']);
    assert.deepEqual(names(await node.http(c, `http://${NODE_IP}:30100/`, 20)), ['p1', 'p2']);
    const viaNodePort = await node.http(c, `http://${NODE_IP}:30100/`, 1);
    assert.match(viaNodePort[0] ?? '', / 10\.42\.0\.1$/, 'Cluster policy masquerades external traffic');
    assert.deepEqual(names(await node.http(c, `http://${NODE_IP}:80/`, 20)), ['p1', 'p2']);
    assert.deepEqual(names(await node.http(c, 'http://192.0.2.77:80/', 20)), ['p1', 'p2']);
    assert.equal((await node.exec(['sysctl', '-n', `net.ipv4.conf.${BRIDGE}.route_localnet`])).trim(), '1');
  });

  it('refuses at once when a Service has no endpoints, or a ClusterIP port is no service port', async () => {
    await service('empty', {
      clusterIP: '10.43.0.101',
      type: 'LoadBalancer',
      ports: [{ name: 'http', port: 81, nodePort: 30101, protocol: 'TCP' }],
    });
    await services().updateStatus({
      ...(await services().get('default', 'empty')),
      status: { loadBalancer: { ingress: [{ ip: NODE_IP, ipMode: 'VIP' }] } },
    });
    await until(
      'empty applied with its LB IP',
      () => proxy.proxier.applied().get('default/empty')?.[0]?.loadBalancerIPs.length === 1,
      20_000,
    );
    assert.deepEqual(await node.http(undefined, 'http://10.43.0.101:81/', 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await node.http(c, 'http://10.43.0.101:81/', 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await node.http(c, `http://${NODE_IP}:81/`, 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await node.http(undefined, 'http://127.0.0.1:30101/', 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await node.http(c, `http://${NODE_IP}:30101/`, 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await node.http(c, 'http://10.43.0.100:81/', 1), ['ERR ECONNREFUSED']);
  });

  it('keeps a client on one endpoint with sessionAffinity ClientIP', async () => {
    await service('sticky', {
      clusterIP: '10.43.0.102',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    await setEndpoints('sticky', [endpoint(p1), endpoint(p2)], httpPort);
    await applied('sticky', 2);
    assert.equal(names(await node.http(c, 'http://10.43.0.102/', 20)).length, 1);
    assert.equal(names(await node.http(undefined, 'http://10.43.0.102/', 20)).length, 1);
    // Dropping an endpoint empties its chain and deletes its affinity set.
    await setEndpoints('sticky', [endpoint(p2)], httpPort);
    await applied('sticky', 1);
    assert.deepEqual(names(await node.http(c, 'http://10.43.0.102/', 5)), ['p2']);
    await until(
      'the emptied endpoint chain deleted',
      async () =>
        !(await node.exec(['nft', 'list', 'chains', 'ip'])).includes('sticky/tcp/http__10.42.0.11/'),
      20_000,
    );
  });

  it('lets a pod reach itself through its Service (hairpin, masqueraded)', async () => {
    await service('self', { clusterIP: '10.43.0.103', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
    await setEndpoints('self', [endpoint(p1)], httpPort);
    await applied('self', 1);
    assert.deepEqual(await node.http(p1, 'http://10.43.0.103/', 3), Array(3).fill('p1 10.42.0.1'));
  });

  it('reaches an endpoint on the node address 127.0.0.1 from a pod and from the node', async () => {
    // Like the API server or the cluster DNS when the node IP is 127.0.0.1.
    const server = await node.serveOnNode('node-local', '127.0.0.1', 9443);
    try {
      await service('local-host', {
        clusterIP: '10.43.0.106',
        ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      });
      await setEndpoints('local-host', [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], {
        name: 'https',
        port: 9443,
        protocol: 'TCP',
      });
      await applied('local-host', 1);
      assert.deepEqual(names(await node.http(c, 'http://10.43.0.106:443/', 3)), ['node-local']);
      assert.deepEqual(names(await node.http(undefined, 'http://10.43.0.106:443/', 3)), ['node-local']);
    } finally {
      await server.stop();
    }
  });

  it('keeps the client address under externalTrafficPolicy Local', async () => {
    await service('local', {
      clusterIP: '10.43.0.105',
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      ports: [{ name: 'http', port: 80, nodePort: 30105, protocol: 'TCP' }],
    });
    await setEndpoints('local', [endpoint(p1), endpoint(p2, 'n2')], httpPort);
    await applied('local', 2);
    const got = await node.http(c, `http://${NODE_IP}:30105/`, 10);
    assert.ok(
      got.every((r) => / 10\.42\.0\.13$/.test(r)),
      `source kept: ${got.join(', ')}`,
    );
  });

  it('applies an endpoint change incrementally', async () => {
    // A periodic full resync (every 2 s here) may take a change before the incremental
    // sync does; toggling again until an incremental sync carried one keeps this exact.
    let incremental = false;
    for (let i = 0; i < 5 && !incremental; i++) {
      const before = syncs.length;
      await setEndpoints('web', [endpoint(p1)], httpPort);
      await applied('web', 1);
      assert.deepEqual(names(await node.http(c, 'http://10.43.0.100/', 20)), ['p1']);
      await setEndpoints('web', [endpoint(p1), endpoint(p2)], httpPort);
      await applied('web', 2);
      assert.deepEqual(names(await node.http(c, 'http://10.43.0.100/', 30)), ['p1', 'p2']);
      incremental = syncs.slice(before).some((s) => !s.full && s.services > 0);
    }
    assert.ok(incremental, 'an incremental sync applied a change');
  });

  it('clears UDP flows to an endpoint that left the Service', async () => {
    const udpPort = { name: 'dns', port: UDP_PORT, protocol: 'UDP' };
    await service('dns', { clusterIP: '10.43.0.104', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    await setEndpoints('dns', [endpoint(p1)], udpPort);
    await applied('dns', 1);
    assert.equal(await node.udp(c, '10.43.0.104', 53, 40000), 'p1');
    assert.equal(await node.udp(c, '10.43.0.104', 53, 40000), 'p1');
    await setEndpoints('dns', [endpoint(p2)], udpPort);
    await until(
      'dns moved to p2',
      () => proxy.proxier.applied().get('default/dns')?.[0]?.endpoints[0]?.ip === p2.ip,
      20_000,
    );
    // p1 still answers: only the conntrack clean-up moves the same flow to p2.
    assert.equal(await node.udp(c, '10.43.0.104', 53, 40000), 'p2');
  });

  it('repairs a deleted table on the next full resync', async () => {
    const table = proxyTableName(BRIDGE);
    await node.exec(['nft', 'delete', 'table', 'ip', table]);
    await until(
      'table back',
      async () => (await node.exec(['nft', 'list', 'tables'])).includes(table),
      20_000,
    );
    await until(
      'rules back',
      async () => names(await node.http(c, 'http://10.43.0.100/', 10)).length === 2,
      20_000,
    );
  });

  it('removes its table and routes and restores route_localnet on stop', async () => {
    await proxy.stop();
    assert.doesNotMatch(await node.exec(['nft', 'list', 'tables']), new RegExp(proxyTableName(BRIDGE)));
    assert.equal((await node.exec(['ip', 'route', 'show', 'proto', ROUTE_PROTO])).trim(), '');
    assert.equal((await node.exec(['sysctl', '-n', `net.ipv4.conf.${BRIDGE}.route_localnet`])).trim(), '0');
    assert.deepEqual(await node.http(undefined, 'http://10.43.0.100/', 1), ['ERR EINVAL']);
  });
});
