/**
 * The whole controller in process against a real API server (SQLite, in-process client):
 * it ensures the default IngressClass, routes a class-less Ingress through a Service and
 * a hand-made EndpointSlice to a real backend on 127.0.0.1, follows endpoint, rule and
 * TLS Secret changes without restarting, leaves other classes' Ingresses alone, writes
 * status.loadBalancer once, and stops cleanly.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:tls';
import { createCa, issueLeaf } from '../apiserver/pki/issue.js';
import { sanSet } from '../apiserver/pki/sans.js';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import type { Client } from '../client/client.js';
import type { KObject } from '../registry/types.js';
import { IngressController } from './controller.js';
import { FALLBACK_COMMON_NAME } from './fallback-cert.js';

/** Polls `f` until it returns a value that is not undefined (bounded). */
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
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

function get(port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 5_000 },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function certName(port: number, servername: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
  try {
    await once(socket, 'secureConnect');
    return String(socket.getPeerCertificate().subject.CN);
  } finally {
    socket.destroy();
  }
}

describe('ingress controller against an API server', () => {
  let api: TestApiServer;
  let client: Client;
  let backend: Server;
  let backendPort: number;
  let controller: IngressController;
  const logs: string[] = [];
  const ingresses = () => client.resource('networking.k8s.io', 'v1', 'ingresses');
  const slices = () => client.resource('discovery.k8s.io', 'v1', 'endpointslices');

  const slice = (ready: boolean): KObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
    ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
  });

  before(async () => {
    api = await startTestApiServer();
    client = api.client();
    backend = createServer((req, res) => res.end(`backend ${req.url} for ${req.headers.host}`));
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    backendPort = (backend.address() as AddressInfo).port;
    await client.resource('', 'v1', 'services').create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await slices().create('default', slice(true));
    controller = new IngressController({
      client,
      nodeName: 'n1',
      nodeIP: '127.0.0.1',
      httpPort: 0,
      httpsPort: 0,
      log: (m) => logs.push(m),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.stop();
    backend?.close();
    await api?.close();
  });

  it('ensures the k8ts IngressClass as the default class', async () => {
    const cls = await until('IngressClass k8ts', async () =>
      client.resource('networking.k8s.io', 'v1', 'ingressclasses').get(undefined, 'k8ts'),
    );
    assert.deepEqual(cls['spec'], { controller: 'k8ts.io/ingress' });
    assert.equal(cls.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
    assert.ok(controller.httpPort && controller.httpsPort, 'listening on both ports');
  });

  it('routes a class-less Ingress through its Service and EndpointSlice, and writes its status', async () => {
    await ingresses().create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/app',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    });
    const port = controller.httpPort ?? 0;
    const ok = await until('a routed request', async () => {
      const r = await get(port, 'web.example.com', '/app/x');
      return r.status === 200 ? r : undefined;
    });
    assert.equal(ok.body, 'backend /app/x for web.example.com');
    assert.equal((await get(port, 'web.example.com', '/other')).status, 404);
    const status = await until('status.loadBalancer', async () => {
      const ing = await ingresses().get('default', 'web');
      const lb = (ing['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer;
      return lb?.ingress?.length ? lb.ingress : undefined;
    });
    assert.deepEqual(status, [{ ip: '127.0.0.1' }]);
  });

  it('follows endpoint readiness and rule changes', async () => {
    const port = controller.httpPort ?? 0;
    const current = await slices().get('default', 'web-1');
    await slices().update({ ...current, endpoints: slice(false)['endpoints'] });
    await until('503 without ready endpoints', async () =>
      (await get(port, 'web.example.com', '/app')).status === 503 ? true : undefined,
    );
    const again = await slices().get('default', 'web-1');
    await slices().update({ ...again, endpoints: slice(true)['endpoints'] });
    await ingresses().patch('default', 'web', {
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/v2',
                  pathType: 'Exact',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    await until('the new rule', async () =>
      (await get(port, 'web.example.com', '/v2')).status === 200 ? true : undefined,
    );
    assert.equal((await get(port, 'web.example.com', '/app')).status, 404);
    assert.equal((await get(port, 'web.example.com', '/v2/x')).status, 404);
  });

  it('serves a TLS Secret for its host, and the new one after the Secret changes', async () => {
    const ca = await createCa(new Date(), 1);
    const issue = (cn: string) =>
      issueLeaf(
        ca,
        { commonName: cn, usage: 'server', sans: sanSet(['web.example.com'], []), days: 1 },
        new Date(),
      );
    const first = await issue('first');
    const secrets = client.resource('', 'v1', 'secrets');
    const data = (c: { certPem: string; keyPem: string }) => ({
      'tls.crt': Buffer.from(c.certPem).toString('base64'),
      'tls.key': Buffer.from(c.keyPem).toString('base64'),
    });
    await secrets.create('default', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-tls', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: data(first),
    });
    await ingresses().patch('default', 'web', {
      spec: { tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] },
    });
    const port = controller.httpsPort ?? 0;
    await until('the Secret certificate', async () =>
      (await certName(port, 'web.example.com')) === 'first' ? true : undefined,
    );
    assert.equal(await certName(port, 'elsewhere.example.com'), FALLBACK_COMMON_NAME);
    const second = await issue('second');
    const s = await secrets.get('default', 'web-tls');
    await secrets.update({ ...s, data: data(second) });
    await until('the renewed certificate', async () =>
      (await certName(port, 'web.example.com')) === 'second' ? true : undefined,
    );
  });

  it("leaves another class's Ingress alone", async () => {
    await ingresses().create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'theirs', namespace: 'default' },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'theirs.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    // A marker Ingress created after it: once the marker is served, the first was seen too.
    await ingresses().create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'marker', namespace: 'default' },
      spec: {
        ingressClassName: 'k8ts',
        rules: [
          {
            host: 'marker.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    const port = controller.httpPort ?? 0;
    await until('the marker', async () =>
      (await get(port, 'marker.example.com')).status === 200 ? true : undefined,
    );
    assert.equal((await get(port, 'theirs.example.com')).status, 404);
    const theirs = await ingresses().get('default', 'theirs');
    assert.equal(
      (theirs['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress,
      undefined,
    );
  });

  it('stops listening on stop()', async () => {
    const port = controller.httpPort ?? 0;
    await controller.stop();
    await assert.rejects(get(port, 'web.example.com'), /ECONNREFUSED/);
  });
});
