/**
 * The cluster DNS server of a real `k8ts server --disable-agent --dns-listen 127.0.0.1:0`,
 * with a fake upstream resolver started here on 127.0.0.1 (no outside resolver is ever
 * asked): Services created with the real kubectl, a headless Service with a
 * StatefulSet-like EndpointSlice, and an ExternalName Service, queried over UDP and TCP
 * with the project's DNS client.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DnsClient } from '../../src/dns/client.js';
import { type Message, Rcode, RRType } from '../../src/dns/message.js';
import { DnsListener } from '../../src/dns/server.js';
import { upstreamWithA } from '../../src/dns/testing.js';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

const skip = hasKubectl() ? undefined : 'kubectl 1.32 is not installed';

/** The fake upstream: www.example.com A 192.0.2.80, anything else NXDOMAIN. */
const upstreamAnswer = upstreamWithA('www.example.com', '192.0.2.80');

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: dns-e2e}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dns-e2e}
spec:
  clusterIP: 10.43.0.50
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: dns-e2e}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-manual
  namespace: dns-e2e
  labels: {kubernetes.io/service-name: db, endpointslice.kubernetes.io/managed-by: e2e.k8ts.io}
addressType: IPv4
ports: [{name: pg, port: 5432, protocol: TCP}]
endpoints:
- addresses: [10.42.7.10]
  hostname: db-0
  conditions: {ready: true}
  targetRef: {kind: Pod, namespace: dns-e2e, name: db-0}
- addresses: [10.42.7.11]
  hostname: db-1
  conditions: {ready: true}
  targetRef: {kind: Pod, namespace: dns-e2e, name: db-1}
- addresses: [10.42.7.12]
  hostname: db-2
  conditions: {ready: false}
  targetRef: {kind: Pod, namespace: dns-e2e, name: db-2}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: dns-e2e}
spec:
  type: ExternalName
  externalName: www.example.com
`;

describe('cluster DNS of k8ts server', { skip: skip ?? false, timeout: 180_000 }, () => {
  let upstream: DnsListener;
  let server: RunningServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  let dns: DnsClient;

  before(async () => {
    upstream = await DnsListener.listen({ host: '127.0.0.1', port: 0 }, upstreamAnswer);
    dir = await mkdtemp(join(tmpdir(), 'k8ts-dns-e2e-'));
    server = await startServer({
      args: ['--dns-listen', '127.0.0.1:0', '--dns-upstream', `127.0.0.1:${upstream.address.port}`],
    });
    kubectl = kubectlFor(server.kubeconfig, dir);
    let port = 0;
    for (let i = 0; i < 100 && !port; i++) {
      port = Number(/dns: listening on 127\.0\.0\.1:(\d+)/.exec(server.output())?.[1] ?? 0);
      if (!port) await sleep(100);
    }
    assert.ok(port > 0, `the DNS port is not in the log:\n${server.output()}`);
    dns = new DnsClient({ host: '127.0.0.1', port });
  });

  after(async () => {
    dns?.close();
    await server?.stop();
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Asks until the answer is NOERROR with records (bounded): the server's informers catch up. */
  async function resolved(
    name: string,
    type: number = RRType.A,
    transport: 'udp' | 'tcp' = 'udp',
  ): Promise<Message> {
    let last: Message | undefined;
    for (let i = 0; i < 100; i++) {
      last = await dns.query(name, { type, transport });
      if (last.rcode === Rcode.NOERROR && last.answers.length > 0) return last;
      await sleep(100);
    }
    assert.fail(`${name}: no answer; last rcode ${last?.rcode}`);
  }

  const values = (m: Message) =>
    m.answers.map((r) => {
      const d = r.data;
      if (d.kind === 'A' || d.kind === 'AAAA') return d.address;
      if (d.kind === 'CNAME' || d.kind === 'PTR') return d.target;
      if (d.kind === 'SRV') return `${d.port} ${d.target}`;
      return d.kind;
    });

  test('creates the kube-dns Service on the cluster DNS address', async () => {
    const r = await kubectl(['get', 'service', 'kube-dns', '-n', 'kube-system', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const svc = JSON.parse(r.stdout) as { spec: { clusterIP: string; ports: { name: string }[] } };
    assert.equal(svc.spec.clusterIP, '10.43.0.10');
    assert.deepEqual(
      svc.spec.ports.map((p) => p.name),
      ['dns', 'dns-tcp', 'metrics'],
    );
    assert.deepEqual(values(await resolved('kube-dns.kube-system.svc.cluster.local')), ['10.43.0.10']);
  });

  test('answers Services, headless endpoints with hostnames, SRV, PTR and ExternalName', async () => {
    const applied = await kubectl(['apply', '-f', '-'], { input: MANIFESTS });
    assert.equal(applied.code, 0, applied.stderr);

    for (const transport of ['udp', 'tcp'] as const)
      assert.deepEqual(values(await resolved('web.dns-e2e.svc.cluster.local', RRType.A, transport)), [
        '10.43.0.50',
      ]);
    assert.deepEqual(values(await resolved('kubernetes.default.svc.cluster.local')), ['10.43.0.1']);

    const db = await resolved('db.dns-e2e.svc.cluster.local');
    assert.deepEqual(values(db).sort(), ['10.42.7.10', '10.42.7.11']);
    assert.deepEqual(values(await resolved('db-1.db.dns-e2e.svc.cluster.local')), ['10.42.7.11']);
    const notReady = await dns.query('db-2.db.dns-e2e.svc.cluster.local');
    assert.equal(notReady.rcode, Rcode.NXDOMAIN);

    const srv = await resolved('_pg._tcp.db.dns-e2e.svc.cluster.local', RRType.SRV);
    assert.deepEqual(values(srv).sort(), [
      '5432 db-0.db.dns-e2e.svc.cluster.local',
      '5432 db-1.db.dns-e2e.svc.cluster.local',
    ]);
    assert.deepEqual(
      srv.additional.map((r) => (r.data.kind === 'A' ? `${r.name} ${r.data.address}` : '')).sort(),
      ['db-0.db.dns-e2e.svc.cluster.local 10.42.7.10', 'db-1.db.dns-e2e.svc.cluster.local 10.42.7.11'],
    );
    const webSrv = await resolved('_http._tcp.web.dns-e2e.svc.cluster.local', RRType.SRV);
    assert.deepEqual(values(webSrv), ['80 web.dns-e2e.svc.cluster.local']);

    assert.deepEqual(values(await resolved('50.0.43.10.in-addr.arpa', RRType.PTR)), [
      'web.dns-e2e.svc.cluster.local',
    ]);
    assert.deepEqual(values(await resolved('10.7.42.10.in-addr.arpa', RRType.PTR)), [
      'db-0.db.dns-e2e.svc.cluster.local',
    ]);

    assert.deepEqual(values(await resolved('ext.dns-e2e.svc.cluster.local')), [
      'www.example.com',
      '192.0.2.80',
    ]);
    assert.deepEqual(values(await resolved('10-42-7-99.dns-e2e.pod.cluster.local')), ['10.42.7.99']);
  });

  test('answers NXDOMAIN and NODATA with the SOA, and forwards other names to the upstream', async () => {
    const nx = await dns.query('nope.dns-e2e.svc.cluster.local');
    assert.equal(nx.rcode, Rcode.NXDOMAIN);
    assert.equal(nx.authority[0]?.data.kind, 'SOA');
    const nodata = await dns.query('web.dns-e2e.svc.cluster.local', { type: RRType.AAAA });
    assert.equal(nodata.rcode, Rcode.NOERROR);
    assert.equal(nodata.answers.length, 0);
    assert.equal(nodata.authority[0]?.data.kind, 'SOA');
    const ns = await dns.query('dns-e2e.svc.cluster.local');
    assert.equal(ns.rcode, Rcode.NOERROR);
    const fwd = await dns.query('www.example.com');
    assert.equal(fwd.rcode, Rcode.NOERROR);
    assert.deepEqual(values(fwd), ['192.0.2.80']);
    assert.equal((await dns.query('missing.example.com')).rcode, Rcode.NXDOMAIN);
  });

  test('a Service deleted with kubectl disappears from DNS', async () => {
    const r = await kubectl(['delete', 'service', 'web', '-n', 'dns-e2e']);
    assert.equal(r.code, 0, r.stderr);
    let rcode = -1;
    for (let i = 0; i < 100 && rcode !== Rcode.NXDOMAIN; i++) {
      rcode = (await dns.query('web.dns-e2e.svc.cluster.local')).rcode;
      if (rcode !== Rcode.NXDOMAIN) await sleep(100);
    }
    assert.equal(rcode, Rcode.NXDOMAIN);
  });
});

describe('k8ts server --disable-dns', { skip: skip ?? false, timeout: 120_000 }, () => {
  test('runs no DNS server and creates no kube-dns Service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-dns-e2e-'));
    const server = await startServer({ args: ['--disable-dns', '--dns-listen', '127.0.0.1:0'] });
    try {
      const kubectl = kubectlFor(server.kubeconfig, dir);
      const r = await kubectl(['get', 'service', 'kube-dns', '-n', 'kube-system']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /NotFound|not found/);
      assert.doesNotMatch(server.output(), /dns: listening/);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
