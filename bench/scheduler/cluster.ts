/**
 * A cluster for one benchmark scenario: a fresh `k8ts server` child process (the node
 * monitor's grace period made long, as the Node objects have no kubelet behind them;
 * optionally with V8's CPU profiler on), an HTTP/2 client authenticated with the admin
 * certificate of its kubeconfig, and N Node objects created through the API. stop() ends
 * only the server it started.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { HttpsTransport } from '../../src/client/https.js';
import { runLoad } from '../lib/stats.js';
import { type BenchServer, startBenchServer } from './server.js';
import type { Credentials } from './watch.js';
import { nodeBody } from './workloads.js';

export interface Cluster {
  server: BenchServer;
  http: HttpsTransport;
  creds: Credentials;
  stop(): Promise<void>;
}

function credentialsOf(kubeconfig: string): Credentials {
  const cfg = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return {
    server: cfg.clusters[0]!.cluster.server,
    ca: b64(cfg.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(cfg.users[0]!.user['client-certificate-data']),
    key: b64(cfg.users[0]!.user['client-key-data']),
  };
}

export async function startCluster(profileDir?: string): Promise<Cluster> {
  const server = await startBenchServer(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [], [
    '--node-monitor-grace-period',
    '24h',
  ]);
  const creds = credentialsOf(server.kubeconfig);
  const http = new HttpsTransport({
    server: creds.server,
    caPem: creds.ca,
    certPem: creds.cert,
    keyPem: creds.key,
  });
  return {
    server,
    http,
    creds,
    async stop() {
      http.close();
      await server.stop();
    },
  };
}

/** POSTs a JSON body, throwing on a non-2xx answer. */
export async function post(http: HttpsTransport, path: string, body: string): Promise<void> {
  const res = await http.request('POST', path, { body });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`POST ${path}: ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
  }
}

export async function createNodes(http: HttpsTransport, count: number, concurrency: number): Promise<number> {
  const r = await runLoad(count, concurrency, (i) => post(http, '/api/v1/nodes', nodeBody(i)));
  return r.perSecond;
}
