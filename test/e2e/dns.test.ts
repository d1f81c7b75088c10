/**
 * Cluster DNS from real pods: a `k8ts server` with its own kubelet serves DNS on the
 * node's pod-network gateway (10.42.0.1:53) and publishes it as the kube-dns endpoint.
 * A busybox pod asks it with nslookup for Services, for a StatefulSet pod by its stable
 * name (hostname + subdomain -> EndpointSlice hostname -> DNS), and for an outside name
 * (forwarded to a fake upstream started here). The pod uses dnsPolicy ClusterFirst: it
 * asks 10.43.0.10, which the service proxy sends to the gateway. Skipped without root,
 * containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DnsListener } from '../../src/dns/server.js';
import { upstreamWithA } from '../../src/dns/testing.js';
import { hasKubectl, type kubectlFor } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { BUSYBOX_IMAGE, realContainersUnavailable } from '../support/registry.js';
import type { RunningServer } from '../support/server.js';

const NODE = 'e2e-dns';
const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

/** The fake upstream: outside.example.com A 192.0.2.81, anything else NXDOMAIN. */
const upstreamAnswer = upstreamWithA('outside.example.com', '192.0.2.81');

describe('cluster DNS from pods', { skip: skip ?? false, timeout: 600_000 }, () => {
  let upstream: DnsListener;
  let server: RunningServer;
  let kubectl: ReturnType<typeof kubectlFor>;
  let node: RealNode | undefined;
  let gateway = '';

  before(async () => {
    upstream = await DnsListener.listen({ host: '127.0.0.1', port: 0 }, upstreamAnswer);
    node = await startRealNode(NODE, { args: ['--dns-upstream', `127.0.0.1:${upstream.address.port}`] });
    ({ server, kubectl } = node);
    const cidr = await kubectl(['get', 'node', NODE, '-o', 'jsonpath={.spec.podCIDR}']);
    const base = /^(\d+\.\d+\.\d+)\.0\/\d+$/.exec(cidr.stdout.trim());
    assert.ok(base, `pod CIDR: ${cidr.stdout}`);
    gateway = `${base[1]}.1`;
  });

  after(async () => {
    await node?.stop();
    await upstream?.close();
  });

  const apply = (yaml: string): Promise<void> => node!.apply(yaml);

  async function waitReady(pod: string): Promise<void> {
    const r = await kubectl(['wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    if (r.code === 0) return;
    // Say why: the pod as the API sees it, and what the node logged.
    const describe = await kubectl(['describe', `pod/${pod}`]);
    assert.fail(`${pod}: ${r.stderr}\n${describe.stdout}${describe.stderr}\n${server.output().slice(-4000)}`);
  }

  /** nslookup in the client pod until it prints `expect` (bounded: informers and endpoints catch up). */
  async function lookup(name: string, expect: RegExp, type = 'a'): Promise<string> {
    let out = '';
    for (let i = 0; i < 40; i++) {
      const r = await kubectl(['exec', 'dnsclient', '--', 'nslookup', `-type=${type}`, name], {
        timeoutMs: 30_000,
      });
      out = r.stdout + r.stderr;
      if (expect.test(out)) return out;
      await sleep(500);
    }
    assert.fail(`nslookup ${name}: ${expect} not found in:\n${out}`);
  }

  test('publishes the gateway as the endpoint of kube-dns', async () => {
    let ips = '';
    for (let i = 0; i < 60 && ips !== gateway; i++) {
      const r = await kubectl([
        'get',
        'endpoints',
        'kube-dns',
        '-n',
        'kube-system',
        '-o',
        'jsonpath={.subsets[*].addresses[*].ip}',
      ]);
      ips = r.stdout.trim();
      if (ips !== gateway) await sleep(500);
    }
    assert.equal(ips, gateway, server.output());
    const slice = await kubectl([
      'get',
      'endpointslices',
      '-n',
      'kube-system',
      '-l',
      'kubernetes.io/service-name=kube-dns',
      '-o',
      'jsonpath={.items[*].endpoints[*].addresses[*]} {.items[*].ports[*].name}',
    ]);
    assert.equal(slice.stdout.trim(), `${gateway} dns dns-tcp`);
  });

  test('a ClusterFirst pod is told the cluster DNS address and search path', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: firstpod}
spec:
  containers:
  - {name: c, image: ${BUSYBOX_IMAGE}, command: [sleep, "3600"]}
`);
    await waitReady('firstpod');
    const r = await kubectl(['exec', 'firstpod', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nameserver 10\.43\.0\.10$/m);
    assert.match(r.stdout, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
    assert.match(r.stdout, /^options ndots:5$/m);
  });

  test('pods resolve Services, a StatefulSet pod by name, and outside names', async () => {
    await apply(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${BUSYBOX_IMAGE}
        command: ["httpd", "-f", "-p", "8080", "-h", "/var/www"]
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: dnsclient}
spec:
  containers:
  - {name: c, image: ${BUSYBOX_IMAGE}, command: [sleep, "3600"]}
`);
    await waitReady('dnsclient');
    await waitReady('web-0');
    const podIP = (await kubectl(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}'])).stdout.trim();
    assert.match(podIP, /^10\.42\.\d+\.\d+$/);

    await lookup('kubernetes.default.svc.cluster.local', /Address:\s+10\.43\.0\.1$/m);
    await lookup('kube-dns.kube-system.svc.cluster.local', /Address:\s+10\.43\.0\.10$/m);
    const sts = await lookup(
      'web-0.web.default.svc.cluster.local',
      new RegExp(`Address:\\s+${podIP.replace(/\./g, '\\.')}$`, 'm'),
    );
    assert.match(sts, /Server:\s+10\.43\.0\.10/);
    await lookup('web', new RegExp(`Address:\\s+${podIP.replace(/\./g, '\\.')}$`, 'm'));
    await lookup(
      '_http._tcp.web.default.svc.cluster.local',
      /8080 web-0\.web\.default\.svc\.cluster\.local/,
      'srv',
    );
    await lookup('outside.example.com', /Address:\s+192\.0\.2\.81$/m);
    const missing = await kubectl([
      'exec',
      'dnsclient',
      '--',
      'nslookup',
      'nothing.default.svc.cluster.local',
    ]);
    assert.match(missing.stdout + missing.stderr, /NXDOMAIN/);
    // From the pod, the page of the StatefulSet pod by its DNS name.
    const page = await kubectl([
      'exec',
      'dnsclient',
      '--',
      'wget',
      '-q',
      '-O',
      '-',
      'http://web-0.web:8080/',
    ]);
    assert.equal(page.stdout.trim(), 'hello from busybox', page.stderr);
  });
});
