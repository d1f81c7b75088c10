/** EndpointSlices wanted for a Service, and the writes that reconcile existing slices. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { desiredGroups, planSlices, type SliceEndpoint, sliceLabels } from './compute.js';

const svc = (spec: Record<string, unknown> = {}): KObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'x' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
});

const pod = (i: number, opts: { ready?: boolean; deleting?: boolean; named?: boolean } = {}): KObject => ({
  metadata: {
    name: `p${i}`,
    namespace: 'ns',
    uid: `u${i}`,
    labels: { app: 'web' },
    ...(opts.deleting ? { deletionTimestamp: 't' } : {}),
  },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'c', ports: opts.named === false ? [] : [{ name: 'http', containerPort: 8080 }] }],
  },
  status: {
    phase: 'Running',
    podIPs: [{ ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }, { ip: `fd00::${i}` }],
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

const slice = (
  name: string,
  endpoints: SliceEndpoint[],
  ports: unknown[] = [{ name: 'http', port: 8080, protocol: 'TCP' }],
): KObject => ({
  metadata: { name, namespace: 'ns', labels: sliceLabels(svc()) },
  addressType: 'IPv4',
  endpoints,
  ports,
});

describe('endpointslice computation', () => {
  it('turns pods into endpoints with conditions, per address family and port set', () => {
    const groups = desiredGroups(
      svc(),
      [pod(1), pod(2, { ready: false }), pod(3, { deleting: true }), pod(4, { named: false })],
      'IPv4',
      () => 'zone-a',
    );
    assert.equal(groups.size, 2);
    const [withPort, without] = [...groups.values()];
    assert.deepEqual(withPort!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      withPort!.endpoints.map((e) => [
        e.addresses[0],
        e.conditions.ready,
        e.conditions.serving,
        e.conditions.terminating,
      ]),
      [
        ['10.0.0.1', true, true, false],
        ['10.0.0.2', false, false, false],
        ['10.0.0.3', false, true, true],
      ],
    );
    assert.deepEqual(withPort!.endpoints[0], {
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'u1' },
      nodeName: 'n1',
      zone: 'zone-a',
    });
    assert.deepEqual(without!.ports, []);
    const v6 = desiredGroups(svc(), [pod(1)], 'IPv6');
    assert.deepEqual([...v6.values()][0]!.endpoints[0]!.addresses, ['fd00::1']);
    const pub = desiredGroups(svc({ publishNotReadyAddresses: true }), [pod(2, { ready: false })], 'IPv4');
    assert.equal([...pub.values()][0]!.endpoints[0]!.conditions.ready, true);
  });

  it("sets an endpoint's hostname from a pod whose subdomain is the service (StatefulSet pods)", () => {
    const named = (i: number, hostname: string, subdomain: string, namespace = 'ns'): KObject => {
      const p = pod(i);
      return {
        ...p,
        metadata: { ...p.metadata, namespace },
        spec: { ...(p['spec'] as Record<string, unknown>), hostname, subdomain },
      };
    };
    const groups = desiredGroups(
      svc({ clusterIP: 'None' }),
      [named(1, 'web-0', 'web'), named(2, 'web-1', 'other'), named(3, 'web-2', 'web', 'elsewhere'), pod(4)],
      'IPv4',
    );
    const eps = [...groups.values()].flatMap((g) => g.endpoints);
    assert.deepEqual(
      eps.map((e) => [e.targetRef?.['name'], e.hostname]),
      [
        ['p1', 'web-0'],
        ['p2', undefined],
        ['p3', undefined],
        ['p4', undefined],
      ],
    );
  });

  it('labels slices for their service and manager', () => {
    assert.deepEqual(sliceLabels(svc({ clusterIP: 'None' })), {
      team: 'x',
      'service.kubernetes.io/headless': '',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });

  it('creates slices of at most max endpoints, owned by the service', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(i + 1));
    const plan = planSlices(svc(), 'IPv4', desiredGroups(svc(), pods, 'IPv4'), []);
    assert.deepEqual(
      plan.create.map((s) => (s['endpoints'] as unknown[]).length),
      [100, 100, 50],
    );
    const m = plan.create[0]!.metadata!;
    assert.equal(m.generateName, 'web-');
    assert.deepEqual(m.ownerReferences, [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: 'svc-uid',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(plan.create[0]!['addressType'], 'IPv4');
  });

  it('keeps unchanged slices, rewrites changed ones, fills free room, deletes emptied ones', () => {
    const want = desiredGroups(svc(), [pod(1), pod(2), pod(3, { ready: false }), pod(5)], 'IPv4');
    const eps = [...want.values()][0]!.endpoints;
    const byName = (n: string) => eps.find((e) => e.targetRef?.['name'] === n)!;
    const stale = { ...byName('p3'), conditions: { ready: true, serving: true, terminating: false } };
    const gone = {
      ...byName('p1'),
      addresses: ['10.9.9.9'],
      targetRef: { kind: 'Pod', name: 'p9', uid: 'u9' },
    };
    const plan = planSlices(
      svc(),
      'IPv4',
      want,
      [slice('a', [byName('p1'), byName('p2')]), slice('b', [stale]), slice('c', [gone]), slice('d', [], [])],
      3,
    );
    assert.deepEqual(plan.delete.map((s) => s.metadata?.name).sort(), ['c', 'd']);
    assert.deepEqual(
      plan.update.map((s) => [
        s.metadata?.name,
        (s['endpoints'] as SliceEndpoint[]).map((e) => e.targetRef?.['name']),
      ]),
      [['b', ['p3', 'p5']]],
    );
    assert.equal(plan.create.length, 0);
  });

  it('keeps exactly one empty placeholder for a service without endpoints', () => {
    const none = planSlices(svc(), 'IPv4', new Map(), []);
    assert.equal(none.create.length, 1);
    assert.deepEqual(none.create[0]!['endpoints'], []);
    const again = planSlices(svc(), 'IPv4', new Map(), [slice('p', [], []), slice('q', [], [])]);
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 1]);
    const filled = planSlices(svc(), 'IPv4', desiredGroups(svc(), [pod(1)], 'IPv4'), [slice('p', [], [])]);
    assert.deepEqual([filled.create.length, filled.delete.length], [1, 1]);
  });
});
