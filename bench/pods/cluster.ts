/**
 * A `k8ts server` for the benchmark (test/support/server.ts: fresh data directory, free
 * port, 127.0.0.1, stop() by PID which also runs `k8ts killall` when it ran a kubelet),
 * an HTTP/2 client with the admin certificate of its kubeconfig, and the bounded waits
 * the benchmark needs: the node Ready, pods created, pods gone.
 * With K8TS_BENCH_CPU_PROF=<dir> in the environment, each server is sampled from its
 * start (./cpu-profile.ts) and writes its CPU profile into <dir> when it stops.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '../../src/client/client.js';
import { HttpsTransport } from '../../src/client/https.js';
import type { KObject } from '../../src/registry/types.js';
import { BUSYBOX_IMAGE } from '../../test/support/registry.js';
import { type RunningServer, startServer } from '../../test/support/server.js';
import { readCredentials } from '../apiserver/kubeconfig.js';
import { runLoad } from '../lib/stats.js';

type Obj = Record<string, unknown>;

export const NAMESPACE = 'default';
export const LABEL = 'k8ts.io/bench';

export interface Cluster {
  server: RunningServer;
  client: Client;
  stop(): Promise<void>;
}

export async function startCluster(agent: boolean, nodeName: string): Promise<Cluster> {
  const args = agent ? ['--kubelet-port', '0', '--node-name', nodeName] : [];
  const server = await withProfiling(() => startServer({ agent, args, readyTimeoutMs: 90_000 }));
  let client: Client;
  try {
    const creds = readCredentials(server.kubeconfig);
    client = new Client(
      new HttpsTransport({ server: creds.url, caPem: creds.ca, certPem: creds.cert, keyPem: creds.key }),
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    client,
    async stop() {
      client.close();
      await server.stop();
    },
  };
}

/** Runs `start` with NODE_OPTIONS preloading the profiler into the child, when the bench was asked to. */
async function withProfiling<T>(start: () => Promise<T>): Promise<T> {
  const dir = process.env['K8TS_BENCH_CPU_PROF'];
  if (!dir) return start();
  const before = process.env['NODE_OPTIONS'];
  // Read by the child at its start: the spawn inside start() happens synchronously.
  const preload = fileURLToPath(new URL('./cpu-profile.js', import.meta.url));
  process.env['NODE_OPTIONS'] = `${before ?? ''} --import=${preload}`.trim();
  const started = start();
  if (before === undefined) delete process.env['NODE_OPTIONS'];
  else process.env['NODE_OPTIONS'] = before;
  return started;
}

function readyCondition(node: KObject): string | undefined {
  const conditions = ((node['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  return conditions.find((c) => c['type'] === 'Ready')?.['status'] as string | undefined;
}

/** Polls the Node until its Ready condition is True; returns the seconds it took. */
export async function waitNodeReady(client: Client, name: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  const deadline = Date.now() + timeoutMs;
  let last = 'not registered';
  while (Date.now() < deadline) {
    try {
      const node = await client.resource('', 'v1', 'nodes').get(undefined, name);
      if (readyCondition(node) === 'True') return (performance.now() - t0) / 1000;
      last = `Ready=${readyCondition(node) ?? 'absent'}`;
    } catch {
      // Not registered yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`node ${name} not Ready within ${timeoutMs / 1000} s (${last})`);
}

export function podBody(name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { [LABEL]: 'true' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'sleep', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }],
    },
  };
}

/** Creates the pods, all at once; returns performance.now() taken right before each create. */
export async function createPods(client: Client, names: string[]): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  const pods = client.resource('', 'v1', 'pods');
  await Promise.all(
    names.map(async (name) => {
      sentAt.set(name, performance.now());
      await pods.create(NAMESPACE, podBody(name));
    }),
  );
  return sentAt;
}

/** Deletes the pods (grace period 1 s), 8 requests in flight. */
export async function deletePods(client: Client, names: string[]): Promise<void> {
  const pods = client.resource('', 'v1', 'pods');
  await runLoad(names.length, 8, (i) =>
    pods.delete(NAMESPACE, names[i]!, { gracePeriodSeconds: 1 }).catch(() => undefined),
  );
}
