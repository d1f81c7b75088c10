/** Endpoints computed from a Service and its pods. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { desiredEndpoints } from './compute.js';
import { findPort, serviceSelector, shouldBeInEndpoints } from './pods.js';

const svc = (spec: Record<string, unknown>, labels: Record<string, string> = {}): KObject => ({
  metadata: { name: 'web', namespace: 'ns', labels },
  spec: { selector: { app: 'web' }, ...spec },
});

let n = 0;
const pod = (
  ip: string,
  ready: boolean,
  opts: {
    ports?: Record<string, unknown>[];
    node?: string;
    extra?: Record<string, unknown>;
    meta?: Record<string, unknown>;
  } = {},
): KObject => {
  n++;
  return {
    metadata: { name: `p${n}`, namespace: 'ns', uid: `u-${ip}`, labels: { app: 'web' }, ...opts.meta },
    spec: {
      containers: [{ name: 'c', ports: opts.ports ?? [] }],
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...opts.extra,
    },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
};

describe('endpoints computation', () => {
  it('lists ready and not-ready addresses with targetRef and nodeName, per resolved port', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
    const named = [{ name: 'web', containerPort: 8080, protocol: 'TCP' }];
    const got = desiredEndpoints(s, [
      pod('10.0.0.2', true, { ports: named, node: 'n1' }),
      pod('10.0.0.1', true, { ports: named }),
      pod('10.0.0.3', false, { ports: named }),
      pod('10.0.0.4', true, { ports: [] }),
      { metadata: { name: 'noip', labels: { app: 'web' } }, spec: {}, status: { phase: 'Pending' } },
    ]);
    assert.equal(got.truncated, false);
    assert.equal(got.subsets.length, 1);
    const subset = got.subsets[0]!;
    assert.deepEqual(
      subset.addresses?.map((a) => [a.ip, a.nodeName]),
      [
        ['10.0.0.1', undefined],
        ['10.0.0.2', 'n1'],
      ],
    );
    assert.deepEqual(subset.addresses?.[0]?.targetRef, {
      kind: 'Pod',
      namespace: 'ns',
      name: 'p2',
      uid: 'u-10.0.0.1',
    });
    assert.deepEqual(
      subset.notReadyAddresses?.map((a) => a.ip),
      ['10.0.0.3'],
    );
    assert.deepEqual(subset.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('packs each port with the set of addresses that serve it', () => {
    const s = svc({
      ports: [
        { name: 'a', port: 80, targetPort: 80 },
        { name: 'b', port: 81, targetPort: 'metrics' },
      ],
    });
    const got = desiredEndpoints(s, [
      pod('10.0.0.1', true, { ports: [{ name: 'metrics', containerPort: 9090 }] }),
      pod('10.0.0.2', true),
    ]);
    assert.deepEqual(
      got.subsets.map((x) => [x.addresses?.map((a) => a.ip), x.ports?.map((p) => `${p.name}:${p.port}`)]),
      [
        [['10.0.0.1', '10.0.0.2'], ['a:80']],
        [['10.0.0.1'], ['b:9090']],
      ],
    );
  });

  it('publishes not-ready pods when asked, and gives headless services port-less addresses and hostnames', () => {
    const pub = desiredEndpoints(svc({ ports: [{ port: 80 }], publishNotReadyAddresses: true }), [
      pod('10.0.0.9', false),
    ]);
    assert.deepEqual(
      pub.subsets[0]?.addresses?.map((a) => a.ip),
      ['10.0.0.9'],
    );
    const headless = svc({ clusterIP: 'None' }, { team: 'x' });
    const got = desiredEndpoints(headless, [
      pod('10.0.0.5', true, { extra: { hostname: 'h0', subdomain: 'web' } }),
    ]);
    assert.deepEqual(got.subsets, [
      {
        addresses: [
          {
            ip: '10.0.0.5',
            hostname: 'h0',
            targetRef: { kind: 'Pod', namespace: 'ns', name: `p${n}`, uid: 'u-10.0.0.5' },
          },
        ],
      },
    ]);
    assert.deepEqual(got.labels, { team: 'x', 'service.kubernetes.io/headless': '' });
    assert.deepEqual(
      desiredEndpoints(svc({}), [pod('10.0.0.6', true)]).subsets,
      [],
      'no ports, not headless',
    );
  });

  it('leaves out terminating and finished pods, and caps the number of addresses', () => {
    const gone = pod('10.0.0.7', true, { meta: { deletionTimestamp: 't' } });
    assert.equal(shouldBeInEndpoints(gone, false), false);
    assert.equal(shouldBeInEndpoints(gone, true), true);
    const failed = {
      ...pod('10.0.0.8', false, { extra: { restartPolicy: 'Never' } }),
      status: { phase: 'Failed', podIP: '10.0.0.8' },
    };
    assert.equal(shouldBeInEndpoints(failed, true), false);
    const many = Array.from({ length: 5 }, (_, i) => pod(`10.0.1.${i}`, i % 2 === 0));
    const capped = desiredEndpoints(svc({ ports: [{ port: 80 }] }), many, 3);
    assert.equal(capped.truncated, true);
    const kept = capped.subsets.flatMap((x) => [...(x.addresses ?? []), ...(x.notReadyAddresses ?? [])]);
    assert.equal(kept.length, 3);
    assert.equal(capped.subsets[0]?.addresses?.length, 3, 'ready addresses are kept first');
  });

  it('resolves ports and selectors', () => {
    const p = pod('1.1.1.1', true, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
    assert.equal(findPort(p, { port: 53, targetPort: 'dns' }), undefined, 'the protocol must match');
    assert.equal(findPort(p, { port: 80 }), 80);
    assert.equal(serviceSelector({ spec: { type: 'ExternalName', selector: { a: 'b' } } }), undefined);
    assert.equal(serviceSelector({ spec: {} }), undefined);
  });
});
