/**
 * Ingress benchmark: requests per second and p50/p99 latency of small GETs through the
 * ingress proxy (HTTP, and HTTPS with SNI) against the same requests sent straight to
 * the backend, in one run. The backend and the proxy each run in a worker thread of
 * their own, the load generator in the main thread; every connection is keep-alive and
 * only 127.0.0.1 is used. A bare node:http proxy measured in the same run tells the
 * ingress's own cost apart from Node's. It prints, it does not assert.
 *
 *   node dist/bench/network/ingress.js [--requests 20000] [--concurrency 32] [--body 512]
 */
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fallbackCertificate } from '../../src/ingress/fallback-cert.js';
import { listen } from '../../src/ingress/listeners.js';
import { IngressProxy } from '../../src/ingress/proxy.js';
import { SniCertificates } from '../../src/ingress/tls.js';
import { emptyTable } from '../../src/ingress/types.js';
import { fmt, type LoadResult, percentile, runLoad } from '../lib/stats.js';

const HOST = 'bench.example.com';

type Role =
  | { role: 'backend'; body: number }
  | { role: 'ingress'; backendPort: number }
  | { role: 'bare'; backendPort: number };
interface Ports {
  http: number;
  https?: number;
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
  return n;
}

async function backend(body: number): Promise<Ports> {
  const payload = Buffer.alloc(body, 'x');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': payload.length });
    res.end(payload);
  });
  server.keepAliveTimeout = 75_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { http: (server.address() as AddressInfo).port };
}

async function ingress(backendPort: number): Promise<Ports> {
  const proxy = new IngressProxy({ log: (m) => console.error(`ingress: ${m}`) });
  const table = emptyTable();
  const backendOf = { key: 'bench/web:80', endpoints: [{ host: '127.0.0.1', port: backendPort }] };
  table.hosts.set(HOST, {
    exact: new Map(),
    prefixes: [{ path: '/', kind: 'Prefix', backend: backendOf, ingress: 'bench/web' }],
  });
  const fallback = await fallbackCertificate();
  // The fallback pair doubles as the host's certificate: the handshake cost is the same.
  table.tls.set(HOST, { id: 'bench/tls@1', ...fallback });
  proxy.setTable(table);
  const sni = new SniCertificates(
    () => proxy.current,
    fallback,
    (m) => console.error(`ingress: ${m}`),
  );
  const http = await listen('http', '127.0.0.1', 0, proxy);
  const https = await listen('https', '127.0.0.1', 0, proxy, sni);
  return { http: http.port, https: https.port };
}

/**
 * The reference: the least a node:http reverse proxy does (no routing, no header
 * rewriting, no timeouts), to tell the proxy's own cost from Node's.
 */
async function bareProxy(backendPort: number): Promise<Ports> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const up = request(
      {
        host: '127.0.0.1',
        port: backendPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    up.end();
  });
  server.keepAliveTimeout = 75_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { http: (server.address() as AddressInfo).port };
}

/** Starts a worker in `role` and resolves with the ports it listens on. */
async function startWorker(role: Role): Promise<{ worker: Worker; ports: Ports }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: role });
  const [ports] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([err]) => Promise.reject(err)),
  ])) as [Ports];
  return { worker, ports };
}

function getter(
  port: number,
  tls: boolean,
  concurrency: number,
): { get: () => Promise<void>; close(): void } {
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false })
    : new Agent({ keepAlive: true, maxSockets: concurrency });
  const send = tls ? httpsRequest : request;
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = send(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          headers: { host: HOST },
          agent,
          ...(tls ? { servername: HOST } : {}),
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

async function measure(
  port: number,
  tls: boolean,
  requests: number,
  concurrency: number,
): Promise<LoadResult> {
  const g = getter(port, tls, concurrency);
  try {
    await runLoad(Math.min(2_000, requests), concurrency, g.get);
    return await runLoad(requests, concurrency, g.get);
  } finally {
    g.close();
  }
}

function line(label: string, r: LoadResult): string {
  return (
    `${label.padEnd(34)} ${fmt(r.perSecond, 0).padStart(8)} req/s   ` +
    `p50 ${fmt(percentile(r.latenciesMs, 50), 2).padStart(6)} ms   p99 ${fmt(percentile(r.latenciesMs, 99), 2).padStart(6)} ms`
  );
}

async function main(): Promise<void> {
  const requests = arg('requests', 20_000);
  const concurrency = arg('concurrency', 32);
  const body = arg('body', 512);
  console.log(
    `ingress benchmark: ${requests} GETs of a ${body} B body, concurrency ${concurrency}, keep-alive, ` +
      `${cpus().length} CPUs (load generator, proxy and backend in separate threads)`,
  );
  const b = await startWorker({ role: 'backend', body });
  const i = await startWorker({ role: 'ingress', backendPort: b.ports.http });
  const bare = await startWorker({ role: 'bare', backendPort: b.ports.http });
  try {
    const direct = await measure(b.ports.http, false, requests, concurrency);
    console.log(line('direct to the backend', direct));
    const viaBare = await measure(bare.ports.http, false, requests, concurrency);
    console.log(line('bare node:http proxy (reference)', viaBare));
    const viaHttp = await measure(i.ports.http, false, requests, concurrency);
    console.log(line('through the ingress (HTTP)', viaHttp));
    const viaHttps = await measure(i.ports.https ?? 0, true, requests, concurrency);
    console.log(line('through the ingress (HTTPS)', viaHttps));
    const p50 = (r: LoadResult) => percentile(r.latenciesMs, 50);
    console.log(
      `--- ingress/direct: HTTP ${fmt(viaHttp.perSecond / direct.perSecond, 2)}x req/s, ` +
        `p50 +${fmt(p50(viaHttp) - p50(direct), 2)} ms; HTTPS ${fmt(viaHttps.perSecond / direct.perSecond, 2)}x req/s, ` +
        `p50 +${fmt(p50(viaHttps) - p50(direct), 2)} ms; bare proxy ${fmt(viaBare.perSecond / direct.perSecond, 2)}x req/s`,
    );
  } finally {
    await Promise.all([b.worker.terminate(), i.worker.terminate(), bare.worker.terminate()]);
  }
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  const role = workerData as Role;
  const started =
    role.role === 'backend'
      ? backend(role.body)
      : role.role === 'ingress'
        ? ingress(role.backendPort)
        : bareProxy(role.backendPort);
  started.then(
    (ports) => parentPort?.postMessage(ports),
    (err: unknown) => {
      throw err;
    },
  );
}
