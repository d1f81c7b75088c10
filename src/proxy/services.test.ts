/**
 * From Services and EndpointSlices to the proxy's model, and which endpoints each
 * traffic policy uses (ready first, else serving-terminating; Local: this node only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../registry/types.js';
import { categorize } from './categorize.js';
import type { Endpoint, ServicePort } from './model.js';
import { servicePortsOf } from './services.js';

function svc(spec: Record<string, unknown>, status?: Record<string, unknown>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec },
    ...(status ? { status } : {}),
  };
}

function slice(
  endpoints: unknown[],
  ports: unknown[] = [{ name: 'http', port: 8080, protocol: 'TCP' }],
): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports,
    endpoints,
  };
}

const ep = (ip: string, node: string, conditions: Record<string, boolean> = { ready: true }) => ({
  addresses: [ip],
  conditions,
  nodeName: node,
});

describe('proxy model: services', () => {
  it('maps a ClusterIP Service port to its slice endpoints', () => {
    const [sp, ...rest] = servicePortsOf(
      svc({}),
      [slice([ep('10.42.0.6', 'n1'), ep('10.42.0.5', 'n2', { ready: false, serving: false })])],
      'n1',
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(sp, {
      service: 'shop/web',
      namespace: 'shop',
      name: 'web',
      portName: 'http',
      protocol: 'tcp',
      clusterIP: '10.43.0.20',
      port: 80,
      nodePort: 0,
      externalIPs: [],
      loadBalancerIPs: [],
      affinitySeconds: 0,
      internalLocal: false,
      externalLocal: false,
      healthCheckNodePort: 0,
      endpoints: [
        { ip: '10.42.0.5', port: 8080, ready: false, serving: false, terminating: false, local: false },
        { ip: '10.42.0.6', port: 8080, ready: true, serving: true, terminating: false, local: true },
      ],
    } satisfies ServicePort);
  });

  it('gives headless, ExternalName and unallocated Services no ports', () => {
    assert.deepEqual(servicePortsOf(svc({ clusterIP: 'None' }), [], 'n1'), []);
    assert.deepEqual(servicePortsOf(svc({ type: 'ExternalName', externalName: 'x.example' }), [], 'n1'), []);
    assert.deepEqual(servicePortsOf(svc({ clusterIP: '' }), [], 'n1'), []);
    assert.deepEqual(servicePortsOf(svc({ clusterIP: 'fd00::1' }), [], 'n1'), []);
  });

  it('reads node ports, LB ingress (VIP mode only), external IPs, affinity and policies', () => {
    const ports = servicePortsOf(
      svc(
        {
          type: 'LoadBalancer',
          ports: [
            { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
            { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
          ],
          externalIPs: ['192.0.2.50', 'bogus'],
          sessionAffinity: 'ClientIP',
          externalTrafficPolicy: 'Local',
          internalTrafficPolicy: 'Local',
          healthCheckNodePort: 31000,
        },
        {
          loadBalancer: {
            ingress: [
              { ip: '127.0.0.1', ipMode: 'VIP' },
              { ip: '10.0.0.9', ipMode: 'Proxy' },
            ],
          },
        },
      ),
      [],
      'n1',
    );
    assert.equal(ports.length, 2);
    const [http, dns] = ports as [ServicePort, ServicePort];
    assert.equal(http.nodePort, 30080);
    assert.equal(dns.protocol, 'udp');
    assert.equal(dns.nodePort, 30053);
    assert.deepEqual(http.loadBalancerIPs, ['127.0.0.1']);
    assert.deepEqual(http.externalIPs, ['192.0.2.50']);
    assert.equal(http.affinitySeconds, 10800, 'the default ClientIP timeout');
    assert.equal(http.internalLocal, true);
    assert.equal(http.externalLocal, true);
    assert.equal(http.healthCheckNodePort, 31000);
    const custom = servicePortsOf(
      svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }),
      [],
      'n1',
    );
    assert.equal(custom[0]?.affinitySeconds, 30);
    const clusterOnly = servicePortsOf(svc({ externalTrafficPolicy: 'Local' }), [], 'n1');
    assert.equal(clusterOnly[0]?.externalLocal, false, 'Local external policy needs an external address');
  });

  it('matches slice ports by name and protocol, merges slices and drops duplicates', () => {
    const s1 = slice([ep('10.42.0.7', 'n1', { ready: false, serving: true, terminating: true })]);
    const s2 = slice([ep('10.42.0.7', 'n2'), ep('10.42.0.8', 'n2')]);
    const other = slice([ep('10.42.0.9', 'n1')], [{ name: 'metrics', port: 9090, protocol: 'TCP' }]);
    const udp = slice([ep('10.42.0.10', 'n1')], [{ name: 'http', port: 8080, protocol: 'UDP' }]);
    const v6 = { ...slice([{ addresses: ['fd00::5'], conditions: { ready: true } }]), addressType: 'IPv6' };
    const [sp] = servicePortsOf(svc({}), [s1, s2, other, udp, v6], 'n1');
    assert.deepEqual(
      sp?.endpoints.map((e) => [e.ip, e.port, e.ready, e.local]),
      [
        ['10.42.0.7', 8080, true, false],
        ['10.42.0.8', 8080, true, false],
      ],
    );
  });

  it('reads conditions like upstream: unset ready is ready, unset serving follows ready', () => {
    const [sp] = servicePortsOf(
      svc({}),
      [slice([{ addresses: ['10.42.0.2'] }, { addresses: ['10.42.0.3'], conditions: { ready: false } }])],
      'n1',
    );
    assert.deepEqual(
      sp?.endpoints.map((e) => [e.ready, e.serving, e.terminating]),
      [
        [true, true, false],
        [false, false, false],
      ],
    );
  });
});

function port(o: Partial<ServicePort>): ServicePort {
  return {
    service: 'ns/s',
    namespace: 'ns',
    name: 's',
    portName: '',
    protocol: 'tcp',
    clusterIP: '10.43.0.9',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    affinitySeconds: 0,
    internalLocal: false,
    externalLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    ...o,
  };
}

const e = (ip: string, o: Partial<Endpoint> = {}): Endpoint => ({
  ip,
  port: 8080,
  ready: true,
  serving: true,
  terminating: false,
  local: false,
  ...o,
});

describe('proxy model: categorize', () => {
  const ips = (eps: Endpoint[]) => eps.map((x) => x.ip);

  it('uses ready endpoints, else serving terminating ones, else none', () => {
    const ready = e('10.42.0.1');
    const terminating = e('10.42.0.2', { ready: false, serving: true, terminating: true });
    const dead = e('10.42.0.3', { ready: false, serving: false, terminating: true });
    let c = categorize(port({ endpoints: [ready, terminating, dead] }));
    assert.deepEqual(ips(c.cluster), ['10.42.0.1']);
    assert.equal(c.hasAny, true);
    c = categorize(port({ endpoints: [terminating, dead] }));
    assert.deepEqual(ips(c.cluster), ['10.42.0.2']);
    assert.equal(c.hasAny, true);
    c = categorize(port({ endpoints: [dead] }));
    assert.deepEqual(ips(c.cluster), []);
    assert.equal(c.hasAny, false);
  });

  it('keeps Local policy to this node, with its own terminating fallback', () => {
    const remote = e('10.42.1.1');
    const localTerm = e('10.42.0.2', { local: true, ready: false, serving: true, terminating: true });
    const c = categorize(port({ internalLocal: true, endpoints: [remote, localTerm] }));
    assert.deepEqual(ips(c.cluster), [], 'internal Local without external addresses never uses Cluster');
    assert.deepEqual(ips(c.local), ['10.42.0.2']);
    assert.deepEqual(ips(c.reachable), ['10.42.0.2']);
    assert.equal(c.hasAny, true);
    const ext = categorize(port({ nodePort: 30001, externalLocal: true, endpoints: [remote, localTerm] }));
    assert.deepEqual(ips(ext.cluster), ['10.42.1.1']);
    assert.deepEqual(ips(ext.local), ['10.42.0.2']);
    assert.deepEqual(ips(ext.reachable), ['10.42.1.1', '10.42.0.2']);
  });
});
