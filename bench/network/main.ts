/**
 * Network benchmark with real pods: one `k8ts server` with its kubelet, an httpd backend
 * pod behind a NodePort Service and an Ingress, and a client pod. In one run it measures
 * small GETs (a new connection each) pod -> pod IP directly, pod -> ClusterIP, host ->
 * pod IP, host -> NodePort on 127.0.0.1 and host -> Ingress, and DNS queries from the
 * client pod to the cluster DNS through the kube-dns Service. The pod-side load runs in
 * the client pod's network namespace (bench/network/load.ts under `ip netns exec`). The
 * direct paths are the references; the ratios are printed next to the target (ClusterIP
 * adds <= 10 % latency over direct). Then the service proxy's sync times at 1,000
 * Services (bench/network/proxy-sync.ts). It prints, it does not assert.
 *
 *   node dist/bench/network/main.js [--requests 2000] [--concurrency 8]
 *
 * Needs root, containerd and the local registry (it builds the test images). Stops the
 * server by PID and removes the node's pods and network (k8ts killall).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '../../src/client/client.js';
import type { KObject } from '../../src/registry/types.js';
import { BUSYBOX_IMAGE, ensureTestImages } from '../../test/support/registry.js';
import { REPO } from '../../test/support/server.js';
import { fmt } from '../lib/stats.js';
import { startCluster, waitNodeReady } from '../pods/cluster.js';

const run = promisify(execFile);
type Obj = Record<string, unknown>;
const NODE = 'bench-network';
const NS = 'default';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(netns: string | undefined, args: string[]): Promise<Figures> {
  const script = join(REPO, 'dist', 'bench', 'network', 'load.js');
  const cmd = netns
    ? ['ip', ['netns', 'exec', netns, process.execPath, script, ...args]]
    : [process.execPath, [script, ...args]];
  const { stdout } = await run(cmd[0] as string, cmd[1] as string[], { timeout: 300_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Figures;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function runningPodIP(client: Client, name: string): Promise<string> {
  return until(`pod ${name} Running`, async () => {
    const p = await client.resource('', 'v1', 'pods').get(NS, name);
    const s = (p['status'] ?? {}) as Obj;
    const ready = ((s['conditions'] as Obj[] | undefined) ?? []).some(
      (c) => c['type'] === 'Ready' && c['status'] === 'True',
    );
    return ready && typeof s['podIP'] === 'string' ? (s['podIP'] as string) : undefined;
  });
}

/** The network namespace whose interface holds `ip` (the CNI's cni-<id> namespaces). */
async function netnsOf(ip: string): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const ns = line.split(' ')[0];
    if (!ns) continue;
    const addrs = await run('ip', ['-n', ns, '-o', '-4', 'addr']).then(
      (r) => r.stdout,
      () => '',
    );
    if (addrs.includes(` ${ip}/`)) return ns;
  }
  throw new Error(`no network namespace holds ${ip}`);
}

async function createObjects(client: Client): Promise<void> {
  const pod = (name: string, labels: Record<string, string>, command: string[]): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'main', image: BUSYBOX_IMAGE, command, readinessProbe: { tcpSocket: { port: 8080 } } },
      ],
    },
  });
  const pods = client.resource('', 'v1', 'pods');
  await pods.create(
    NS,
    pod('echo', { app: 'echo' }, [
      'sh',
      '-c',
      'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www',
    ]),
  );
  const clientPod = pod('client', { app: 'client' }, ['sh', '-c', 'exec httpd -f -p 8080 -h /tmp']);
  await pods.create(NS, clientPod);
  await client.resource('', 'v1', 'services').create(NS, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo' },
    spec: { type: 'NodePort', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  await client.resource('networking.k8s.io', 'v1', 'ingresses').create(NS, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'echo' },
    spec: {
      ingressClassName: 'k8ts',
      rules: [
        {
          host: 'echo.bench',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'echo', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
}

function row(name: string, f: Figures, ref?: Figures): string {
  const ratio = ref ? `  ${fmt(f.p50 / ref.p50, 2)}x p50 of direct` : '';
  const errors = f.errors > 0 ? `  (${f.errors} errors)` : '';
  return `${name.padEnd(34)} ${fmt(f.perSecond, 0).padStart(7)} req/s  p50 ${fmt(f.p50, 2).padStart(6)} ms  p99 ${fmt(f.p99, 2).padStart(6)} ms${ratio}${errors}`;
}

async function main(): Promise<void> {
  const requests = flag('requests', 2000);
  const concurrency = flag('concurrency', 8);
  const opts = ['--requests', String(requests), '--concurrency', String(concurrency)];
  const stopRegistry = await ensureTestImages(AbortSignal.timeout(180_000));
  const cluster = await startCluster(true, NODE);
  try {
    const { client } = cluster;
    await waitNodeReady(client, NODE, 120_000);
    await createObjects(client);
    const echoIP = await runningPodIP(client, 'echo');
    const clientIP = await runningPodIP(client, 'client');
    const svc = await client.resource('', 'v1', 'services').get(NS, 'echo');
    const spec = svc['spec'] as Obj;
    const clusterIP = spec['clusterIP'] as string;
    const nodePort = (spec['ports'] as Obj[])[0]?.['nodePort'] as number;
    const netns = await netnsOf(clientIP);
    // The proxy and the ingress follow the endpoints: wait until both answer.
    await until('the ClusterIP', async () =>
      (await load(netns, ['http', `http://${clusterIP}/`, '--requests', '5'])).errors === 0
        ? true
        : undefined,
    );
    await until('the Ingress', async () =>
      (await load(undefined, ['http', 'http://127.0.0.1/', '--host', 'echo.bench', '--requests', '5']))
        .errors === 0
        ? true
        : undefined,
    );
    console.log(
      `network benchmark: ${requests} GETs per path and round, ${concurrency} in flight, a new connection per request (busybox httpd); median of 3 interleaved rounds`,
    );
    // Three rounds, the paths interleaved in each, so that drift in the machine's load
    // touches every path alike; each path reports its round with the median p50.
    const paths: [string, string | undefined, string[]][] = [
      ['direct', netns, ['http', `http://${echoIP}:8080/`, ...opts]],
      ['clusterIP', netns, ['http', `http://${clusterIP}/`, ...opts]],
      ['hostDirect', undefined, ['http', `http://${echoIP}:8080/`, ...opts]],
      ['nodePort', undefined, ['http', `http://127.0.0.1:${nodePort}/`, ...opts]],
      ['ingress', undefined, ['http', 'http://127.0.0.1/', '--host', 'echo.bench', ...opts]],
    ];
    const rounds = new Map<string, Figures[]>();
    for (let round = 0; round < 3; round++) {
      for (const [name, ns, args] of paths)
        rounds.set(name, [...(rounds.get(name) ?? []), await load(ns, args)]);
    }
    const median = (name: string): Figures => {
      const all = [...(rounds.get(name) ?? [])].sort((a, b) => a.p50 - b.p50);
      return all[Math.floor(all.length / 2)] as Figures;
    };
    const direct = median('direct');
    const viaClusterIP = median('clusterIP');
    const hostDirect = median('hostDirect');
    const viaNodePort = median('nodePort');
    const viaIngress = median('ingress');
    console.log(row('pod -> pod IP (reference)', direct));
    console.log(row('pod -> ClusterIP', viaClusterIP, direct));
    console.log(row('host -> pod IP (reference)', hostDirect));
    console.log(row('host -> NodePort 127.0.0.1', viaNodePort, hostDirect));
    console.log(row('host -> Ingress 127.0.0.1:80', viaIngress, hostDirect));
    const dns = await load(netns, [
      'dns',
      '10.43.0.10:53',
      'echo.default.svc.cluster.local',
      '--requests',
      String(requests * 5),
      '--concurrency',
      '16',
    ]);
    console.log(
      `${'pod -> cluster DNS via kube-dns'.padEnd(34)} ${fmt(dns.perSecond, 0).padStart(7)} queries/s  p50 ${fmt(dns.p50, 2)} ms  p99 ${fmt(dns.p99, 2)} ms${dns.errors ? `  (${dns.errors} errors)` : ''}`,
    );
    const added = (viaClusterIP.p50 / direct.p50 - 1) * 100;
    console.log(
      `target: ClusterIP adds <= 10 % latency over direct: ${fmt(added, 1)} % at p50 (${added <= 10 ? 'met' : 'missed'})`,
    );
  } finally {
    await cluster.stop();
    await stopRegistry();
  }
  // The proxy's sync times, in a namespace of their own (bench/network/proxy-sync.ts).
  const sync = await run(process.execPath, [join(REPO, 'dist', 'bench', 'network', 'proxy-sync.js')], {
    timeout: 600_000,
  });
  process.stdout.write(sync.stdout);
}

main().catch((err: unknown) => {
  console.error(`network benchmark failed: ${(err as Error).stack}`);
  process.exit(1);
});
