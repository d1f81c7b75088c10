/** The resolver over views built from object snapshots: every record kind of the zone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../registry/types.js';
import { Rcode, type ResourceRecord, RRClass, RRType } from './message.js';
import { type Answer, resolve, SCHEMA_VERSION, TTL } from './resolver.js';
import { buildView, type ClusterView } from './view.js';

const ns = (name: string): KObject => ({ metadata: { name } });

function service(name: string, namespace: string, spec: Record<string, unknown>): KObject {
  return { metadata: { name, namespace }, spec };
}

function slice(
  service: string,
  namespace: string,
  endpoints: Record<string, unknown>[],
  ports: Record<string, unknown>[],
  addressType = 'IPv4',
): KObject {
  return {
    metadata: {
      name: `${service}-${Math.random().toString(36).slice(2, 7)}`,
      namespace,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType,
    endpoints,
    ports,
  };
}

const ready = (ip: string, extra: Record<string, unknown> = {}) => ({
  addresses: [ip],
  conditions: { ready: true },
  ...extra,
});
const notReady = (ip: string, extra: Record<string, unknown> = {}) => ({
  addresses: [ip],
  conditions: { ready: false, serving: false },
  ...extra,
});

const web = [{ name: 'http', port: 8080, protocol: 'TCP' }];

function view(): ClusterView {
  return buildView({
    zone: 'cluster.local',
    serial: 1234,
    nameservers: ['10.43.0.10'],
    namespaces: [ns('default'), ns('apps'), ns('empty')],
    services: [
      service('kubernetes', 'default', {
        clusterIP: '10.43.0.1',
        clusterIPs: ['10.43.0.1'],
        ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      }),
      service('web', 'apps', {
        clusterIP: '10.43.0.20',
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'dns', port: 53, protocol: 'UDP' },
          { port: 9000, protocol: 'TCP' },
        ],
      }),
      service('dual', 'apps', {
        clusterIP: '10.43.0.21',
        clusterIPs: ['10.43.0.21', 'fd00:43::21'],
        ports: [{ name: 'http', port: 80 }],
      }),
      service('db', 'apps', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
      service('lonely', 'apps', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }),
      service('eager', 'apps', { clusterIP: 'None', publishNotReadyAddresses: true }),
      service('ext', 'apps', { type: 'ExternalName', externalName: 'www.example.com.' }),
      service('alias', 'apps', { type: 'ExternalName', externalName: 'web.apps.svc.cluster.local' }),
    ],
    endpointSlices: [
      slice('web', 'apps', [ready('10.42.0.7'), notReady('10.42.0.8')], web),
      slice(
        'db',
        'apps',
        [
          ready('10.42.0.5', { hostname: 'db-0' }),
          ready('10.42.0.6', { hostname: 'db-1' }),
          notReady('10.42.0.9', { hostname: 'db-2' }),
        ],
        [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      ),
      // The same endpoint in a second slice (a slice being rewritten): listed once.
      slice(
        'db',
        'apps',
        [ready('10.42.0.5', { hostname: 'db-0' })],
        [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      ),
      slice(
        'db',
        'apps',
        [ready('fd00:42::5', { hostname: 'db-0' })],
        [{ name: 'pg', port: 5432, protocol: 'TCP' }],
        'IPv6',
      ),
      slice(
        'eager',
        'apps',
        [notReady('10.42.0.11'), ready('10.42.0.12')],
        [{ name: 'p', port: 7, protocol: 'UDP' }],
      ),
      slice('lonely', 'apps', [notReady('10.42.0.13')], []),
    ],
  });
}

function ask(name: string, type: number = RRType.A, v = view()): Answer {
  const r = resolve({ name, type, class: RRClass.IN }, v);
  assert.equal(r.kind, 'answer', `${name} was forwarded`);
  return r as Answer;
}

const data = (rrs: ResourceRecord[]) => rrs.map((r) => r.data);
const addrs = (a: Answer) =>
  a.answers.map((r) => (r.data.kind === 'A' || r.data.kind === 'AAAA' ? r.data.address : '?'));

function assertSoa(a: Answer): void {
  assert.equal(a.answers.length, 0);
  assert.equal(a.authority.length, 1);
  assert.equal(a.authority[0]?.name, 'cluster.local');
  assert.deepEqual(a.authority[0]?.data, {
    kind: 'SOA',
    mname: 'ns.dns.cluster.local',
    rname: 'hostmaster.cluster.local',
    serial: 1234,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: TTL,
  });
}

describe('ClusterIP services', () => {
  it('answer A with the ClusterIP, the question name as asked, TTL 5', () => {
    const a = ask('Kubernetes.Default.svc.cluster.local.');
    assert.equal(a.rcode, Rcode.NOERROR);
    assert.deepEqual(a.answers, [
      {
        name: 'Kubernetes.Default.svc.cluster.local',
        type: RRType.A,
        class: RRClass.IN,
        ttl: 5,
        data: { kind: 'A', address: '10.43.0.1' },
      },
    ]);
  });

  it('answer AAAA with NODATA (SOA in authority) when the service is IPv4 only', () => {
    const a = ask('web.apps.svc.cluster.local', RRType.AAAA);
    assert.equal(a.rcode, Rcode.NOERROR);
    assertSoa(a);
  });

  it('answer both families of a dual-stack service', () => {
    assert.deepEqual(addrs(ask('dual.apps.svc.cluster.local')), ['10.43.0.21']);
    assert.deepEqual(addrs(ask('dual.apps.svc.cluster.local', RRType.AAAA)), ['fd00:43::21']);
  });

  it('answer SRV per named port pointing at the service, with its A in additional', () => {
    const a = ask('_http._tcp.web.apps.svc.cluster.local', RRType.SRV);
    assert.deepEqual(data(a.answers), [
      { kind: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.apps.svc.cluster.local' },
    ]);
    assert.deepEqual(
      a.additional.map((r) => [r.name, r.data]),
      [['web.apps.svc.cluster.local', { kind: 'A', address: '10.43.0.20' }]],
    );
    const udp = ask('_DNS._UDP.web.apps.svc.cluster.local', RRType.SRV);
    assert.deepEqual(
      data(udp.answers).map((d) => (d.kind === 'SRV' ? d.port : 0)),
      [53],
    );
    // Every port of the service for SRV on its plain name (as CoreDNS does).
    const all = ask('web.apps.svc.cluster.local', RRType.SRV);
    assert.deepEqual(
      data(all.answers).map((d) => (d.kind === 'SRV' ? [d.port, d.weight] : [])),
      [
        [80, 33],
        [53, 33],
        [9000, 33],
      ],
    );
  });

  it('answer NXDOMAIN for a port or protocol the service does not have, NODATA for A on a port name', () => {
    assert.equal(ask('_http._udp.web.apps.svc.cluster.local', RRType.SRV).rcode, Rcode.NXDOMAIN);
    assert.equal(ask('_ftp._tcp.web.apps.svc.cluster.local', RRType.SRV).rcode, Rcode.NXDOMAIN);
    assert.equal(ask('http.tcp.web.apps.svc.cluster.local', RRType.SRV).rcode, Rcode.NXDOMAIN);
    const a = ask('_http._tcp.web.apps.svc.cluster.local', RRType.A);
    assert.equal(a.rcode, Rcode.NOERROR);
    assertSoa(a);
  });

  it('answer an endpoint by its dashed address under any service', () => {
    assert.deepEqual(addrs(ask('10-42-0-7.web.apps.svc.cluster.local')), ['10.42.0.7']);
    assert.equal(ask('10-42-0-8.web.apps.svc.cluster.local').rcode, Rcode.NXDOMAIN, 'not ready');
  });
});

describe('headless services', () => {
  it('answer one A per ready endpoint address, NXDOMAIN without any', () => {
    const a = ask('db.apps.svc.cluster.local');
    assert.deepEqual(addrs(a).sort(), ['10.42.0.5', '10.42.0.6']);
    assert.deepEqual(addrs(ask('db.apps.svc.cluster.local', RRType.AAAA)), ['fd00:42::5']);
    const none = ask('lonely.apps.svc.cluster.local');
    assert.equal(none.rcode, Rcode.NXDOMAIN);
    assertSoa(none);
  });

  it('answer every address, ready or not, when the service publishes not-ready addresses', () => {
    assert.deepEqual(addrs(ask('eager.apps.svc.cluster.local')).sort(), ['10.42.0.11', '10.42.0.12']);
  });

  it('answer StatefulSet-style hostnames: <hostname>.<svc>.<ns>.svc.<zone>', () => {
    assert.deepEqual(addrs(ask('db-0.db.apps.svc.cluster.local')), ['10.42.0.5']);
    assert.deepEqual(addrs(ask('DB-1.db.apps.svc.cluster.local')), ['10.42.0.6']);
    assert.deepEqual(addrs(ask('db-0.db.apps.svc.cluster.local', RRType.AAAA)), ['fd00:42::5']);
    assert.equal(ask('db-2.db.apps.svc.cluster.local').rcode, Rcode.NXDOMAIN, 'not ready');
    assert.equal(ask('db-9.db.apps.svc.cluster.local').rcode, Rcode.NXDOMAIN);
  });

  it('answer SRV per endpoint and port, targets named by hostname or dashed address, with A/AAAA in additional', () => {
    const a = ask('_pg._tcp.db.apps.svc.cluster.local', RRType.SRV);
    assert.deepEqual(
      data(a.answers).map((d) => (d.kind === 'SRV' ? `${d.port} ${d.target}` : '')),
      ['5432 db-0.db.apps.svc.cluster.local', '5432 db-1.db.apps.svc.cluster.local'],
    );
    assert.deepEqual(
      a.additional.map(
        (r) => `${r.name} ${r.data.kind === 'A' || r.data.kind === 'AAAA' ? r.data.address : ''}`,
      ),
      [
        'db-0.db.apps.svc.cluster.local 10.42.0.5',
        'db-1.db.apps.svc.cluster.local 10.42.0.6',
        'db-0.db.apps.svc.cluster.local fd00:42::5',
      ],
    );
    const eager = ask('_p._udp.eager.apps.svc.cluster.local', RRType.SRV);
    assert.deepEqual(
      data(eager.answers).map((d) => (d.kind === 'SRV' ? d.target : '')),
      ['10-42-0-11.eager.apps.svc.cluster.local', '10-42-0-12.eager.apps.svc.cluster.local'],
    );
  });
});

describe('ExternalName services', () => {
  it('answer a CNAME to spec.externalName for any type', () => {
    for (const type of [RRType.A, RRType.AAAA, RRType.CNAME, RRType.TXT]) {
      const a = ask('ext.apps.svc.cluster.local', type);
      assert.equal(a.rcode, Rcode.NOERROR);
      assert.deepEqual(data(a.answers), [{ kind: 'CNAME', target: 'www.example.com' }]);
    }
    assert.equal(ask('_http._tcp.ext.apps.svc.cluster.local', RRType.SRV).rcode, Rcode.NXDOMAIN);
  });
});

describe('pods, namespaces, the apex and unknown names', () => {
  it('answer <dashed-ip>.<ns>.pod.<zone> for any address in an existing namespace', () => {
    assert.deepEqual(addrs(ask('1-2-3-4.apps.pod.cluster.local')), ['1.2.3.4']);
    assert.deepEqual(addrs(ask('fd00--1.apps.pod.cluster.local', RRType.AAAA)), ['fd00::1']);
    const v6only = ask('1-2-3-4.apps.pod.cluster.local', RRType.AAAA);
    assert.equal(v6only.rcode, Rcode.NOERROR);
    assertSoa(v6only);
    assert.equal(ask('1-2-3-4.nope.pod.cluster.local').rcode, Rcode.NXDOMAIN);
    assert.equal(ask('1-2-3-400.apps.pod.cluster.local').rcode, Rcode.NXDOMAIN);
    assert.equal(ask('x.1-2-3-4.apps.pod.cluster.local').rcode, Rcode.NXDOMAIN);
  });

  it('answer NODATA for existing namespaces and the svc/pod subtrees, NXDOMAIN otherwise', () => {
    for (const name of [
      'empty.svc.cluster.local',
      'svc.cluster.local',
      'pod.cluster.local',
      'apps.pod.cluster.local',
    ]) {
      const a = ask(name);
      assert.equal(a.rcode, Rcode.NOERROR, name);
      assertSoa(a);
    }
    for (const name of [
      'nope.svc.cluster.local',
      'missing.apps.svc.cluster.local',
      'web.nope.svc.cluster.local',
      'google.com.apps.svc.cluster.local',
      'a.b.c.web.apps.svc.cluster.local',
      'foo.cluster.local',
      'web.apps.cluster.local',
    ]) {
      const a = ask(name);
      assert.equal(a.rcode, Rcode.NXDOMAIN, name);
      assertSoa(a);
    }
  });

  it('answer SOA, NS (with the nameserver address) and the schema version at the apex', () => {
    const soa = ask('cluster.local', RRType.SOA);
    assert.equal(soa.answers[0]?.data.kind, 'SOA');
    const nsA = ask('cluster.local', RRType.NS);
    assert.deepEqual(data(nsA.answers), [{ kind: 'NS', target: 'ns.dns.cluster.local' }]);
    assert.deepEqual(
      nsA.additional.map((r) => [r.name, r.data]),
      [['ns.dns.cluster.local', { kind: 'A', address: '10.43.0.10' }]],
    );
    assert.deepEqual(addrs(ask('ns.dns.cluster.local')), ['10.43.0.10']);
    assertSoa(ask('cluster.local', RRType.A));
    const version = ask('dns-version.cluster.local', RRType.TXT);
    assert.deepEqual(data(version.answers), [{ kind: 'TXT', strings: [SCHEMA_VERSION] }]);
  });
});

describe('reverse lookups and forwarding', () => {
  it('answer PTR for ClusterIPs and for endpoint addresses', () => {
    assert.deepEqual(data(ask('1.0.43.10.in-addr.arpa', RRType.PTR).answers), [
      { kind: 'PTR', target: 'kubernetes.default.svc.cluster.local' },
    ]);
    assert.deepEqual(data(ask('5.0.42.10.in-addr.arpa', RRType.PTR).answers), [
      { kind: 'PTR', target: 'db-0.db.apps.svc.cluster.local' },
    ]);
    assert.deepEqual(data(ask('7.0.42.10.in-addr.arpa', RRType.PTR).answers), [
      { kind: 'PTR', target: '10-42-0-7.web.apps.svc.cluster.local' },
    ]);
    const v6 = ask('5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.4.0.0.0.0.d.f.ip6.arpa', RRType.PTR);
    assert.deepEqual(data(v6.answers), [{ kind: 'PTR', target: 'db-0.db.apps.svc.cluster.local' }]);
  });

  it('forward other names, reverse names of unknown addresses and other types', () => {
    const v = view();
    for (const [name, type] of [
      ['www.example.com', RRType.A],
      ['cluster.local.example.com', RRType.A],
      ['9.9.42.10.in-addr.arpa', RRType.PTR],
      ['1.0.43.10.in-addr.arpa', RRType.A],
      ['43.10.in-addr.arpa', RRType.PTR],
    ] as const)
      assert.deepEqual(resolve({ name, type, class: RRClass.IN }, v), { kind: 'forward' }, name);
  });

  it('refuse other classes inside the zone', () => {
    const r = resolve({ name: 'web.apps.svc.cluster.local', type: RRType.A, class: RRClass.CH }, view());
    assert.equal(r.kind === 'answer' && r.rcode, Rcode.REFUSED);
  });
});
