/**
 * Address assignment on its own: ClusterIPs and NodePorts from small ranges, with
 * upstream's Status for refused requests and full ranges.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../apiserver/errors.js';
import type { KObject } from '../types.js';
import { type AssignEnv, assignAddresses, familyErrors } from './assign.js';
import { parseServiceRanges } from './config.js';
import { Pool, Reservation } from './pool.js';

type Obj = Record<string, unknown>;

function env(cidr = '10.43.0.0/16', ports = '30000-32767'): AssignEnv {
  const ranges = parseServiceRanges(cidr, ports);
  return {
    ranges,
    ips: new Pool(ranges.ips.size, ranges.ips.staticSize),
    ports: new Pool(ranges.ports.size, ranges.ports.staticSize),
    reservation: new Reservation(),
  };
}

const svc = (spec: Obj, name = 's'): KObject => ({ metadata: { name, namespace: 'default' }, spec });
const spec = (o: KObject) => o['spec'] as Obj;
const nodePorts = (o: KObject) => (spec(o)['ports'] as Obj[]).map((p) => p['nodePort']);

function rejects(fn: () => void, code: number, message: string, field?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    if (field) assert.equal(e.status.details?.causes?.[0]?.field, field);
    return true;
  });
}

describe('assignAddresses', () => {
  it('gives a new Service an address above the static band and reserves it', () => {
    const e = env();
    const s = svc({ type: 'ClusterIP', ports: [{ port: 80 }] });
    assignAddresses(s, undefined, e);
    const ip = spec(s)['clusterIP'] as string;
    assert.deepEqual(spec(s)['clusterIPs'], [ip]);
    const offset = e.ranges.ips.offsetOf(ip) ?? -1;
    assert.ok(offset >= 256, `${ip} is outside the static band`);
    assert.equal(e.ips.has(offset), true);
    e.reservation.release();
    assert.equal(e.ips.has(offset), false);
  });

  it('honours a free explicit address and refuses a taken or foreign one with 422', () => {
    const e = env();
    assignAddresses(svc({ clusterIP: '10.43.0.5', clusterIPs: ['10.43.0.5'] }), undefined, e);
    rejects(
      () => assignAddresses(svc({ clusterIP: '10.43.0.5', clusterIPs: ['10.43.0.5'] }, 'b'), undefined, e),
      422,
      'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.5"}: failed to allocate IP 10.43.0.5: provided IP is already allocated',
      'spec.clusterIPs',
    );
    rejects(
      () => assignAddresses(svc({ clusterIP: '1.2.3.4', clusterIPs: ['1.2.3.4'] }, 'c'), undefined, e),
      422,
      'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"1.2.3.4"}: failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.43.0.0/16',
    );
    rejects(
      () =>
        assignAddresses(
          svc({ clusterIP: '10.43.255.255', clusterIPs: ['10.43.255.255'] }, 'd'),
          undefined,
          e,
        ),
      422,
      'Service "d" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.255.255"}: failed to allocate IP 10.43.255.255: the provided IP (10.43.255.255) is not in the valid range. The range of valid IPs is 10.43.0.0/16',
    );
  });

  it('answers a full range with 500 InternalError, as upstream', () => {
    const e = env('10.43.0.0/30');
    assignAddresses(svc({}), undefined, e);
    assignAddresses(svc({}), undefined, e);
    rejects(
      () => assignAddresses(svc({}), undefined, e),
      500,
      'Internal error occurred: failed to allocate a serviceIP: range is full',
    );
  });

  it('gives no address to headless and ExternalName Services, nor to an update that has one', () => {
    const e = env();
    const headless = svc({ clusterIP: 'None', clusterIPs: ['None'] });
    assignAddresses(headless, undefined, e);
    assert.equal(spec(headless)['clusterIP'], 'None');
    const ext = svc({ type: 'ExternalName', externalName: 'example.com' });
    assignAddresses(ext, undefined, e);
    assert.equal(spec(ext)['clusterIP'], undefined);
    const old = svc({ clusterIP: '10.43.0.7', clusterIPs: ['10.43.0.7'] });
    assignAddresses(svc({ clusterIP: '10.43.0.7', clusterIPs: ['10.43.0.7'] }), old, e);
    assert.equal(e.reservation.empty, true);
    const fromExternal = svc({ type: 'ClusterIP' });
    assignAddresses(fromExternal, ext, e);
    assert.match(spec(fromExternal)['clusterIP'] as string, /^10\.43\./);
  });

  it('allocates nodePorts, honours explicit ones, shares one number across protocols', () => {
    const e = env();
    const dns = svc({
      type: 'NodePort',
      ports: [
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'dns-udp', port: 53, protocol: 'UDP' },
        { name: 'web', port: 80, protocol: 'TCP', nodePort: 30080 },
        { name: 'web-udp', port: 81, protocol: 'UDP', nodePort: 30080 },
      ],
    });
    assignAddresses(dns, undefined, e);
    const [a, b, c, d] = nodePorts(dns) as number[];
    assert.equal(a, b);
    assert.ok((a ?? 0) >= 30086 && (a ?? 0) <= 32767, `${a} is above the static band`);
    assert.deepEqual([c, d], [30080, 30080]);
    rejects(
      () =>
        assignAddresses(svc({ type: 'NodePort', ports: [{ port: 1, nodePort: 30080 }] }, 'x'), undefined, e),
      422,
      'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
      'spec.ports[0].nodePort',
    );
    rejects(
      () => assignAddresses(svc({ type: 'NodePort', ports: [{ port: 1, nodePort: 80 }] }, 'y'), undefined, e),
      422,
      'Service "y" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('keeps its own nodePorts on update and allocates only new ones', () => {
    const e = env();
    const old = svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }] });
    e.ports.hold(1);
    const next = svc({
      type: 'NodePort',
      ports: [
        { name: 'a', port: 80, nodePort: 30001 },
        { name: 'b', port: 90 },
      ],
    });
    assignAddresses(next, old, e);
    const [a, b] = nodePorts(next) as number[];
    assert.equal(a, 30001);
    assert.ok(b !== undefined && b !== 30001);
  });

  it('honours allocateLoadBalancerNodePorts false and allocates a health-check port for Local', () => {
    const e = env();
    const lb = svc({
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      externalTrafficPolicy: 'Local',
      ports: [{ port: 80 }, { name: 'b', port: 81, nodePort: 31000 }],
    });
    assignAddresses(lb, undefined, e);
    assert.deepEqual(nodePorts(lb), [undefined, 31000]);
    assert.equal(typeof spec(lb)['healthCheckNodePort'], 'number');
    rejects(
      () =>
        assignAddresses(
          svc({
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            healthCheckNodePort: 31000,
            ports: [{ port: 1 }],
          }),
          undefined,
          e,
        ),
      500,
      'Internal error occurred: failed to allocate requested HealthCheck NodePort 31000: provided port is already allocated',
    );
  });

  it('answers a full NodePort range with 500 InternalError', () => {
    const e = env('10.43.0.0/16', '30000-30001');
    assignAddresses(svc({ type: 'NodePort', ports: [{ port: 1 }, { name: 'b', port: 2 }] }), undefined, e);
    rejects(
      () => assignAddresses(svc({ type: 'NodePort', ports: [{ port: 1 }] }), undefined, e),
      500,
      'Internal error occurred: failed to allocate a nodePort: range is full',
    );
  });

  it('refuses dual-stack requests this IPv4 cluster cannot serve', () => {
    const errs = familyErrors(svc({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] }));
    assert.deepEqual(
      errs.map((x) => `${x.field}: ${x.detail}`),
      [
        'spec.ipFamilyPolicy: this cluster is not configured for dual-stack services',
        'spec.ipFamilies[1]: not configured on this cluster',
      ],
    );
  });
});
