/**
 * The cluster DNS component against a real API server (SQLite, in-process client): it
 * creates the kube-dns Service and brings it back when deleted, follows Services and
 * EndpointSlices through its informers, and the publisher keeps each server's endpoint
 * in kube-dns's slices and Endpoints. Queries go over real sockets on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import type { Client } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { DnsClient } from './client.js';
import { ClusterDns } from './component.js';
import { type Message, Rcode, RRType } from './message.js';
import { KubeDnsPublisher } from './publish.js';

/** Polls `f` until it returns a value (bounded). */
async function eventually<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  assert.fail(`${what} did not happen${last ? `: ${(last as Error).message}` : ''}`);
}

describe('cluster DNS component', () => {
  let api: TestApiServer;
  let client: Client;
  let dns: ClusterDns;
  let q: DnsClient;
  const logs: string[] = [];

  before(async () => {
    api = await startTestApiServer();
    client = api.client();
    dns = new ClusterDns({
      client: api.client({ name: 'system:k8ts-dns', groups: ['system:masters'] }),
      zone: 'cluster.local',
      serviceIP: '10.43.0.10',
      listen: [{ host: '127.0.0.1', port: 0 }],
      upstreams: [],
      log: (m) => logs.push(m),
    });
    await dns.start();
    const at = dns.addresses[0];
    assert.ok(at && at.port > 0);
    q = new DnsClient(at);
  });

  after(async () => {
    q?.close();
    await dns?.close();
    await api?.close();
  });

  const answerOf = async (name: string, type: number = RRType.A): Promise<Message | undefined> => {
    const m = await q.query(name, { type });
    return m.rcode === Rcode.NOERROR && m.answers.length > 0 ? m : undefined;
  };

  it('logs where it listens and creates the kube-dns Service', async () => {
    assert.ok(
      logs.some((l) => /^listening on 127\.0\.0\.1:\d+ \(udp, tcp\), zone cluster\.local$/.test(l)),
      logs.join('\n'),
    );
    const svc = await eventually('kube-dns Service', async () => {
      try {
        return await client.resource('', 'v1', 'services').get('kube-system', 'kube-dns');
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    const spec = svc['spec'] as Record<string, unknown>;
    assert.equal(spec['clusterIP'], '10.43.0.10');
    assert.equal(svc.metadata?.labels?.['k8s-app'], 'kube-dns');
  });

  it('answers the kubernetes Service and new Services from its informers', async () => {
    const m = await eventually('kubernetes.default', () => answerOf('kubernetes.default.svc.cluster.local'));
    assert.deepEqual(
      m.answers.map((r) => r.data),
      [{ kind: 'A', address: '10.43.0.1' }],
    );
    await client.resource('', 'v1', 'services').create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'later' },
      spec: { clusterIP: '10.43.0.77', clusterIPs: ['10.43.0.77'], ports: [{ name: 'http', port: 80 }] },
    });
    const later = await eventually('later.default', () => answerOf('later.default.svc.cluster.local'));
    assert.deepEqual(
      later.answers.map((r) => r.data),
      [{ kind: 'A', address: '10.43.0.77' }],
    );
    await client.resource('', 'v1', 'services').delete('default', 'later');
    await eventually('later.default gone', async () => {
      const m2 = await q.query('later.default.svc.cluster.local');
      return m2.rcode === Rcode.NXDOMAIN ? m2 : undefined;
    });
  });

  it('brings the kube-dns Service back when it is deleted', async () => {
    const services = client.resource('', 'v1', 'services');
    const before = await services.get('kube-system', 'kube-dns');
    await services.delete('kube-system', 'kube-dns');
    const again = await eventually('kube-dns recreated', async () => {
      try {
        const s = await services.get('kube-system', 'kube-dns');
        return s.metadata?.uid !== before.metadata?.uid ? s : undefined;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    assert.equal((again['spec'] as Record<string, unknown>)['clusterIP'], '10.43.0.10');
  });

  it('publishes and withdraws each server address in the slices and Endpoints of kube-dns', async () => {
    const publisher = new KubeDnsPublisher(client);
    const svc = await publisher.ensureService('10.43.0.10');
    await publisher.publish(svc, 'node-a', '10.42.0.1');
    await publisher.publish(svc, 'node-b', '10.42.1.1');
    await publisher.publish(svc, 'node-b', '10.42.1.1');
    const eps = await client.resource('', 'v1', 'endpoints').get('kube-system', 'kube-dns');
    const ips = (e: typeof eps) =>
      ((e['subsets'] as { addresses: { ip: string }[] }[] | undefined)?.[0]?.addresses ?? []).map(
        (a) => a.ip,
      );
    assert.deepEqual(ips(eps), ['10.42.0.1', '10.42.1.1']);
    const slices = await client
      .resource('discovery.k8s.io', 'v1', 'endpointslices')
      .list('kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' });
    assert.deepEqual(slices.items.map((s) => s.metadata?.name).sort(), [
      'kube-dns-node-a',
      'kube-dns-node-b',
    ]);
    // The DNS server sees them: the endpoints answer by their dashed addresses.
    const ep = await eventually('kube-dns endpoint name', () =>
      answerOf('10-42-1-1.kube-dns.kube-system.svc.cluster.local'),
    );
    assert.deepEqual(
      ep.answers.map((r) => r.data),
      [{ kind: 'A', address: '10.42.1.1' }],
    );
    const ptr = await eventually('kube-dns endpoint PTR', () =>
      answerOf('1.0.42.10.in-addr.arpa', RRType.PTR),
    );
    assert.deepEqual(
      ptr.answers.map((r) => r.data),
      [{ kind: 'PTR', target: '10-42-0-1.kube-dns.kube-system.svc.cluster.local' }],
    );
    await publisher.unpublish('node-a');
    assert.deepEqual(ips(await client.resource('', 'v1', 'endpoints').get('kube-system', 'kube-dns')), [
      '10.42.1.1',
    ]);
    const left = await client
      .resource('discovery.k8s.io', 'v1', 'endpointslices')
      .list('kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' });
    assert.deepEqual(
      left.items.map((s) => s.metadata?.name),
      ['kube-dns-node-b'],
    );
  });
});
