/** Configuration: addresses, flags, default upstreams, and the kube-dns objects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressError, formatHostPort, nthAddress, parseHostPort } from './addresses.js';
import { dnsSettings } from './flags.js';
import { kubeDnsEndpoints, kubeDnsService, kubeDnsSlice, sliceName } from './kube-dns.js';
import { nameserversOf } from './upstreams.js';

describe('addresses', () => {
  it('parses HOST:PORT for IPv4 and bracketed IPv6, with an optional default port', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseHostPort('[::1]:5353'), { host: '::1', port: 5353 });
    assert.deepEqual(parseHostPort('192.0.2.53', 53), { host: '192.0.2.53', port: 53 });
    assert.deepEqual(parseHostPort('fd00::53', 53), { host: 'fd00::53', port: 53 });
    assert.deepEqual(parseHostPort('[fd00::53]', 53), { host: 'fd00::53', port: 53 });
    for (const bad of ['localhost:53', '127.0.0.1:65536', '127.0.0.1:x', '127.0.0.1', '1.2.3:53', ':53'])
      assert.throws(() => parseHostPort(bad), AddressError, bad);
    assert.equal(formatHostPort({ host: '::1', port: 53 }), '[::1]:53');
    assert.equal(formatHostPort({ host: '10.42.0.1', port: 53 }), '10.42.0.1:53');
  });

  it('finds the n-th address of a range', () => {
    assert.equal(nthAddress('10.43.0.0/16', 10), '10.43.0.10');
    assert.equal(nthAddress('10.96.0.0/12', 10), '10.96.0.10');
    assert.equal(nthAddress('192.168.1.77/24', 10), '192.168.1.10');
    assert.equal(nthAddress('10.0.0.0/8', 300), '10.0.1.44');
    for (const bad of ['10.43.0.0', '10.43.0.0/33', 'fd00::/64', '10.43.0.0/29'])
      assert.throws(() => nthAddress(bad, 10), AddressError, bad);
  });

  it('takes the non-loopback nameservers of resolv.conf as upstreams', () => {
    const text = [
      '# generated',
      'nameserver 127.0.0.53',
      'nameserver 10.255.255.53 ; the real one',
      'nameserver ::1',
      'nameserver fe80::1%eth0',
      'nameserver not-an-ip',
      'search example.org',
      'options ndots:2',
    ].join('\n');
    assert.deepEqual(nameserversOf(text), [
      { host: '10.255.255.53', port: 53 },
      { host: 'fe80::1', port: 53 },
    ]);
    assert.deepEqual(nameserversOf('nameserver 127.0.0.1\n'), []);
  });
});

describe('flags', () => {
  const base = {
    'dns-listen': [],
    'dns-upstream': [],
    'disable-dns': false,
    'cluster-domain': 'cluster.local',
  };

  it('turns flags into settings', () => {
    assert.deepEqual(dnsSettings(base, ['10.43.0.10']), {
      zone: 'cluster.local',
      serviceIP: '10.43.0.10',
      listen: [],
    });
    assert.deepEqual(
      dnsSettings(
        {
          ...base,
          'dns-listen': ['127.0.0.1:0'],
          'dns-upstream': ['127.0.0.1:5300', '192.0.2.1'],
          'cluster-domain': 'Corp.Example.',
        },
        ['fd00::a', '10.43.0.10'],
      ),
      {
        zone: 'corp.example',
        serviceIP: '10.43.0.10',
        listen: [{ host: '127.0.0.1', port: 0 }],
        upstreams: [
          { host: '127.0.0.1', port: 5300 },
          { host: '192.0.2.1', port: 53 },
        ],
      },
    );
    assert.equal(dnsSettings({ ...base, 'disable-dns': true }, ['10.43.0.10']), undefined);
  });

  it('rejects bad values with one-line messages', () => {
    assert.throws(() => dnsSettings({ ...base, 'dns-listen': ['localhost:53'] }, ['10.43.0.10']), /IP:PORT/);
    assert.throws(() => dnsSettings({ ...base, 'dns-listen': ['127.0.0.1'] }, ['10.43.0.10']), /no port/);
    assert.throws(
      () => dnsSettings({ ...base, 'cluster-domain': 'bad..domain' }, ['10.43.0.10']),
      /not a DNS domain/,
    );
  });
});

describe('kube-dns objects', () => {
  it('is a selector-less ClusterIP Service on the cluster DNS address, like k3s', () => {
    const s = kubeDnsService('10.43.0.10');
    assert.deepEqual(s.metadata?.labels, {
      'k8s-app': 'kube-dns',
      'kubernetes.io/cluster-service': 'true',
      'kubernetes.io/name': 'CoreDNS',
    });
    const spec = s['spec'] as Record<string, unknown>;
    assert.equal(spec['clusterIP'], '10.43.0.10');
    assert.equal(spec['selector'], undefined);
    assert.deepEqual(
      (spec['ports'] as { name: string; port: number; protocol: string }[]).map(
        (p) => `${p.name} ${p.port}/${p.protocol}`,
      ),
      ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP'],
    );
  });

  it('publishes one slice per server, owned by the Service', () => {
    const svc = {
      ...kubeDnsService('10.43.0.10'),
      metadata: { name: 'kube-dns', namespace: 'kube-system', uid: 'u1' },
    };
    const s = kubeDnsSlice(svc, 'node-a', '10.42.0.1');
    assert.equal(s.metadata?.name, 'kube-dns-node-a');
    assert.equal(s.metadata?.labels?.['kubernetes.io/service-name'], 'kube-dns');
    assert.equal(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'dns.k8ts.io');
    assert.equal(s.metadata?.ownerReferences?.[0]?.uid, 'u1');
    assert.deepEqual(s['endpoints'], [
      {
        addresses: ['10.42.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-a',
      },
    ]);
    assert.equal(sliceName('x'.repeat(300)).length, 253);
  });

  it('keeps other servers in the shared Endpoints when setting or removing its own address', () => {
    const a = kubeDnsEndpoints(undefined, 'node-a', '10.42.0.1');
    const ab = kubeDnsEndpoints(a, 'node-b', '10.42.1.1');
    const ips = (e: typeof a) =>
      ((e['subsets'] as { addresses: { ip: string }[] }[])[0]?.addresses ?? []).map((x) => x.ip);
    assert.deepEqual(ips(ab), ['10.42.0.1', '10.42.1.1']);
    const moved = kubeDnsEndpoints(ab, 'node-a', '10.42.5.1');
    assert.deepEqual(ips(moved), ['10.42.1.1', '10.42.5.1']);
    const left = kubeDnsEndpoints(moved, 'node-b');
    assert.deepEqual(ips(left), ['10.42.5.1']);
    assert.deepEqual(kubeDnsEndpoints(left, 'node-a')['subsets'], []);
  });
});
