/**
 * The built-in ingress controller end to end with real containers: a `k8ts server` with
 * its kubelet runs busybox httpd pods behind Services; an IngressController started in
 * this process (against the server's admin kubeconfig, on 127.0.0.1 with free ports)
 * routes two hosts and two paths to them, terminates TLS with a Secret made by
 * `kubectl create secret tls` from an openssl certificate, answers 503 when a backend
 * scales to zero, and writes status.loadBalancer, read back with kubectl. Skipped without
 * root, containerd, openssl or kubectl.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { Client } from '../../src/client/client.js';
import { HttpsTransport } from '../../src/client/https.js';
import { IngressController } from '../../src/ingress/controller.js';
import { hasKubectl, type kubectlFor } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { BUSYBOX_IMAGE, realContainersUnavailable } from '../support/registry.js';
import type { RunningServer } from '../support/server.js';

const run = promisify(execFile);
const NODE = 'e2e-ingress';

async function unavailable(): Promise<string | undefined> {
  if (!hasKubectl()) return 'kubectl 1.32 is not installed';
  try {
    await run('openssl', ['version']);
  } catch {
    return 'openssl is not installed';
  }
  return realContainersUnavailable();
}

const skip = await unavailable();

/** A client with the admin identity of a kubeconfig. */
function clientFor(kubeconfig: string): Client {
  const cfg = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const cluster = cfg.clusters[0]!.cluster;
  const user = cfg.users[0]!.user;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return new Client(
    new HttpsTransport({
      server: cluster.server,
      caPem: b64(cluster['certificate-authority-data']),
      certPem: b64(user['client-certificate-data']),
      keyPem: b64(user['client-key-data']),
    }),
  );
}

interface Reply {
  status: number;
  body: string;
  cert?: PeerCertificate;
}

/** One request through the ingress: plain HTTP, or HTTPS with SNI verified against `ca`. */
function fetchVia(port: number, host: string, path: string, tls?: { ca: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 10_000 };
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      const cert = tls ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: body.trim(), ...(cert ? { cert } : {}) }),
      );
    };
    const req = tls
      ? httpsRequest({ ...opts, servername: host, ca: tls.ca }, onResponse)
      : httpRequest(opts, onResponse);
    req.on('timeout', () => req.destroy(new Error(`${host}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** What the controller logged, shown when a wait fails. */
const logs: string[] = [];

/** Polls until `f` gives a value (bounded); fails with the last reply seen. */
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  assert.fail(
    `${what} did not happen (last: ${last instanceof Error ? last.message : String(last)})\n` +
      `ingress controller said:\n${logs.slice(-20).join('\n')}`,
  );
}

const site = (name: string, port: number, portName: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: httpd
        image: ${BUSYBOX_IMAGE}
        command: ["sh", "-c", "mkdir -p /www/api && echo ${name} > /www/index.html && echo ${name} api > /www/api/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{name: web, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: ${portName}, port: ${port}, targetPort: web}]
`;

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  tls:
  - hosts: [alpha.example.com]
    secretName: alpha-tls
  rules:
  - host: alpha.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: alpha, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: beta, port: {name: http-alt}}}}
  - host: beta.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: beta, port: {number: 8080}}}}
`;

describe('ingress with real pods', { skip: skip ?? false, timeout: 600_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  let client: Client;
  let controller: IngressController;
  let node: RealNode | undefined;
  let certPem = '';

  before(async () => {
    node = await startRealNode(NODE);
    ({ server, kubectl, dir } = node);
    client = clientFor(server.kubeconfig);
    controller = new IngressController({
      client,
      nodeName: NODE,
      nodeIP: '127.0.0.1',
      httpPort: 0,
      httpsPort: 0,
      log: (m) => logs.push(m),
    });
    await controller.start(AbortSignal.timeout(600_000));
  });

  after(async () => {
    await controller?.stop();
    client?.close();
    await node?.stop();
  });

  const apply = (yaml: string): Promise<void> => node!.apply(yaml);

  test('routes two hosts and two paths to real pods', async () => {
    await apply(site('alpha', 80, 'http'));
    await apply(site('beta', 8080, 'http-alt'));
    for (const d of ['alpha', 'beta']) {
      const r = await kubectl(['rollout', 'status', `deployment/${d}`, '--timeout=120s'], {
        timeoutMs: 130_000,
      });
      assert.equal(r.code, 0, `${d}: ${r.stderr}`);
    }
    const key = join(dir, 'tls.key');
    const crt = join(dir, 'tls.crt');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=alpha.example.com',
      '-addext',
      'subjectAltName=DNS:alpha.example.com',
      '-keyout',
      key,
      '-out',
      crt,
    ]);
    certPem = await readFile(crt, 'utf8');
    const secret = await kubectl(['create', 'secret', 'tls', 'alpha-tls', '--cert', crt, '--key', key]);
    assert.equal(secret.code, 0, secret.stderr);
    await apply(INGRESS);

    const port = controller.httpPort ?? 0;
    const body = (host: string, path: string) =>
      until(`${host}${path}`, async () => {
        const r = await fetchVia(port, host, path);
        return r.status === 200 ? r.body : undefined;
      });
    assert.equal(await body('alpha.example.com', '/'), 'alpha');
    assert.equal(await body('alpha.example.com', '/api/'), 'beta api');
    assert.equal(await body('beta.example.com', '/'), 'beta');
    assert.equal(await body('beta.example.com', '/api/'), 'beta api');
    // /apix is not under the /api prefix: alpha answers it (and has no such file).
    assert.equal((await fetchVia(port, 'alpha.example.com', '/apix')).status, 404);
    const none = await fetchVia(port, 'nobody.example.com', '/');
    assert.equal(none.status, 404);
    assert.match(none.body, /404 Not Found/);
  });

  test('terminates TLS with the Secret made by kubectl', async () => {
    const port = controller.httpsPort ?? 0;
    const r = await until('HTTPS with the Secret certificate', async () => {
      const reply = await fetchVia(port, 'alpha.example.com', '/', { ca: certPem });
      return reply.status === 200 ? reply : undefined;
    });
    assert.equal(r.body, 'alpha');
    assert.equal(r.cert?.subject.CN, 'alpha.example.com');
  });

  test('writes status.loadBalancer, as kubectl shows it', async () => {
    const ip = await until('status.loadBalancer', async () => {
      const r = await kubectl([
        'get',
        'ingress',
        'web',
        '-o',
        'jsonpath={.status.loadBalancer.ingress[*].ip}',
      ]);
      return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
    });
    assert.equal(ip, '127.0.0.1');
    const cls = await kubectl(['get', 'ingressclass', 'k8ts', '-o', 'jsonpath={.spec.controller}']);
    assert.equal(cls.stdout, 'k8ts.io/ingress');
  });

  test('answers 503 when a backend has no ready pods, and recovers', async () => {
    const port = controller.httpPort ?? 0;
    const scale = async (n: number) => {
      const r = await kubectl(['scale', 'deployment/beta', `--replicas=${n}`]);
      assert.equal(r.code, 0, r.stderr);
    };
    await scale(0);
    await until('503', async () =>
      (await fetchVia(port, 'beta.example.com', '/')).status === 503 ? true : undefined,
    );
    assert.equal((await fetchVia(port, 'alpha.example.com', '/')).body, 'alpha');
    await scale(1);
    const back = await until(
      'beta back',
      async () => {
        const r = await fetchVia(port, 'beta.example.com', '/');
        return r.status === 200 ? r.body : undefined;
      },
      120_000,
    );
    assert.equal(back, 'beta');
    assert.ok(!logs.some((l) => /threw/.test(l)), logs.join('\n'));
  });
});
