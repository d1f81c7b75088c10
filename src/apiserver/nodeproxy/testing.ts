/**
 * Test support for the node proxy: a real API server (startTestApiServer) and a real
 * KubeletServer on loopback with a fake PodLookup and echoing stream stubs, two Nodes
 * (n1 pointing at that kubelet, n2 at a closed port), pods bound to them or pending,
 * CRI-format log files in a temp dir, kubectl 1.32 for that server, and raw HTTPS and
 * WebSocket-upgrade helpers. Not used by production code.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlFor } from '../../../test/support/kubectl.js';
import type { Client } from '../../client/client.js';
import { KubeletServer } from '../../kubelet/server/server.js';
import {
  type EchoCall,
  echoStreams,
  FakeLookup,
  type RawExchange,
  rawRequest,
} from '../../kubelet/server/testing.js';
import { startTestApiServer, type TestApiServer } from '../testing.js';

export const WS_KEY = Buffer.from('k8ts-test-nonce!').toString('base64');

export const WEB_LOG = [
  '2024-05-01T10:00:00.100000000Z stdout F first line',
  '2024-05-01T10:00:01.000000000Z stderr P second',
  '2024-05-01T10:00:01.500000000Z stderr F  line',
  '2024-05-01T10:00:05.000000000Z stdout F third line',
].join('\n');

export interface NodeProxyFixture {
  api: TestApiServer;
  kubelet: KubeletServer;
  lookup: FakeLookup;
  /** Calls that reached the kubelet's stream handlers. */
  calls: EchoCall[];
  dir: string;
  /** A port nothing listens on: n2's kubelet. */
  deadPort: number;
  kubectl: ReturnType<typeof kubectlFor>;
  /** GET on the API server with the admin certificate. */
  apiGet(path: string): Promise<{ status: number; body: string }>;
  /** A WebSocket upgrade request (v5.channel.k8s.io) to the API server, with or without the admin certificate. */
  upgrade(path: string, withCert?: boolean): Promise<RawExchange>;
  /** Adds a Node whose kubelet is at 127.0.0.1:port. */
  addNode(name: string, port: number): Promise<void>;
  /** Adds a pod in `default` with these containers, on `nodeName` if given. */
  addPod(name: string, containers: string[], nodeName?: string): Promise<void>;
  /** A serving certificate of the cluster CA for a kubelet on 127.0.0.1. */
  servingCert(): Promise<{ certPem: string; keyPem: string }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function node(client: Client, name: string, port: number): Promise<void> {
  const nodes = client.resource('', 'v1', 'nodes');
  const created = await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  created['status'] = {
    addresses: [
      { type: 'Hostname', address: name },
      { type: 'InternalIP', address: '127.0.0.1' },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: port } },
  };
  await nodes.updateStatus(created);
}

async function pod(
  client: Client,
  name: string,
  containers: string[],
  nodeName?: string,
  init: string[] = [],
) {
  const spec: Record<string, unknown> = {
    containers: containers.map((c) => ({ name: c, image: 'busybox' })),
  };
  if (init.length > 0) spec['initContainers'] = init.map((c) => ({ name: c, image: 'busybox' }));
  if (nodeName) spec['nodeName'] = nodeName;
  await client
    .resource('', 'v1', 'pods')
    .create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec });
}

/**
 * Pods: web (app: log files, current and previous; sidecar: waiting) on n1; single (one
 * container) on n1; orphan (on n1, unknown to its kubelet); multi (a, b, init setup) on
 * n1; tailer (app, set up by the test) on n1; lost on n2; pending on no node.
 */
export async function startNodeProxyFixture(): Promise<NodeProxyFixture> {
  const api = await startTestApiServer();
  const client = api.client();
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-nodeproxy-'));
  const lookup = new FakeLookup();
  const calls: EchoCall[] = [];
  const servingCert = () =>
    api.server.pki.issueServingCert({ dnsNames: ['localhost'], ips: ['127.0.0.1'], commonName: 'kubelet' });
  const serving = await servingCert();
  const kubelet = await KubeletServer.start({
    host: '127.0.0.1',
    port: 0,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    caPem: api.server.pki.caCertPem,
    lookup,
    streams: echoStreams(calls),
    log: () => {},
    logPollMs: 20,
  });
  const deadPort = await freePort();
  await node(client, 'n1', kubelet.port);
  await node(client, 'n2', deadPort);
  await writeFile(join(dir, 'web.log'), `${WEB_LOG}\n`);
  await writeFile(join(dir, 'web-0.log'), '2024-05-01T09:00:00Z stdout F crashed before\n');
  lookup.setContainer('default', 'web', 'app', {
    current: { containerId: 'c1', logPath: join(dir, 'web.log'), running: true },
    previous: { containerId: 'c0', logPath: join(dir, 'web-0.log'), running: false },
  });
  lookup.setContainer('default', 'web', 'sidecar', {});
  lookup.setSandbox('default', 'web', { sandboxId: 's1', podIP: '10.42.0.9' });
  lookup.setContainer('default', 'single', 'only', {
    current: { containerId: 'o1', logPath: '', running: true },
  });
  await pod(client, 'web', ['app', 'sidecar'], 'n1');
  await pod(client, 'single', ['only'], 'n1');
  await pod(client, 'orphan', ['app'], 'n1');
  await pod(client, 'multi', ['a', 'b'], 'n1', ['setup']);
  await pod(client, 'tailer', ['app'], 'n1');
  await pod(client, 'lost', ['app'], 'n2');
  await pod(client, 'pending', ['app']);

  const url = new URL(api.server.url);
  const pki = api.server.pki;
  const admin = { certPem: pki.adminCertPem, keyPem: pki.adminKeyPem };
  return {
    api,
    kubelet,
    lookup,
    calls,
    dir,
    deadPort,
    kubectl: kubectlFor(api.server.kubeconfigPath, dir),
    apiGet: (path) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            ca: pki.caCertPem,
            cert: admin.certPem,
            key: admin.keyPem,
            agent: false,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              body += d;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      }),
    upgrade: (path, withCert = true) =>
      rawRequest(
        Number(url.port),
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`,
        { ca: pki.caCertPem, ...(withCert ? { cert: admin } : {}) },
      ),
    addNode: (name, port) => node(client, name, port),
    addPod: (name, containers, nodeName) => pod(client, name, containers, nodeName),
    servingCert,
    async close() {
      await kubelet.close();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
