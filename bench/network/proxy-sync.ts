/**
 * Service proxy sync benchmark, inside a throwaway network namespace: programs S
 * Services x E endpoints (ClusterIP + NodePort each) in one full transaction, then
 * applies single endpoint changes incrementally and prints their times, against
 * references measured in the same run and namespace:
 *
 *   - floor: `nft -f` of a one-element transaction into the same full table (the cost of
 *     starting nft and loading its view of the table, which any change pays);
 *   - full: the same endpoint change applied by rebuilding the whole table in place
 *     (what a proxy without incremental syncs would do).
 *
 * The last line compares the incremental p50 with the target (<= 100 ms). It prints, it
 * does not assert.
 *
 *   node dist/bench/network/proxy-sync.js [--services 1000] [--endpoints 10] [--changes 20]
 *
 * Needs root, nft and ip. Deletes the namespace it creates, also on failure.
 */
import { ROUTE_PROTO } from '../../src/proxy/host.js';
import type { ServicePort } from '../../src/proxy/model.js';
import { Proxier } from '../../src/proxy/proxier.js';
import { commandRunner } from '../../src/proxy/runner.js';
import { kernelTestsUnavailable, NodeNamespace, sh } from '../../src/proxy/testing.js';
import { fmt, percentile } from '../lib/stats.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const SERVICES = arg('services', 1000);
const ENDPOINTS = arg('endpoints', 10);
const CHANGES = arg('changes', 20);
const TARGET_MS = 100;
const NS = `k8ts-proxy-bench-${process.pid}`;
const BRIDGE = 'k8tsproxybench';
const TABLE = 'k8ts-proxy-bench';

const ms = (v: number) => `${fmt(v, 1)} ms`;

/** Service i: ClusterIP 10.43.x.y:80, NodePort 30000+i (while in range), endpoints in 10.42.1.0+. */
function servicePort(i: number): ServicePort {
  const endpoints = Array.from({ length: ENDPOINTS }, (_, j) => {
    const n = i * ENDPOINTS + j;
    return {
      ip: `10.42.${1 + (n >> 8)}.${n & 255}`,
      port: 8080,
      ready: true,
      serving: true,
      terminating: false,
      local: j % 2 === 0,
    };
  });
  return {
    service: `bench/svc-${i}`,
    namespace: 'bench',
    name: `svc-${i}`,
    portName: 'http',
    protocol: 'tcp',
    clusterIP: `10.43.${1 + (i >> 8)}.${i & 255}`,
    port: 80,
    nodePort: i < 2768 ? 30000 + i : 0,
    externalIPs: [],
    loadBalancerIPs: [],
    affinitySeconds: 0,
    internalLocal: false,
    externalLocal: false,
    healthCheckNodePort: 0,
    endpoints,
  };
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function main(): Promise<void> {
  const why = await kernelTestsUnavailable();
  if (why) {
    console.log(`proxy sync benchmark skipped: ${why}`);
    return;
  }
  console.log(
    `proxy sync benchmark: ${SERVICES} services x ${ENDPOINTS} endpoints, ${CHANGES} single-endpoint changes`,
  );
  const node = await NodeNamespace.create({
    ns: NS,
    bridge: BRIDGE,
    gateway: '10.42.0.1',
    podPrefixLength: 24,
    nodeIP: '10.99.0.1',
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
  });
  const proxier = new Proxier({
    rules: {
      table: TABLE,
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      nodePortIPs: ['10.99.0.1', '127.0.0.1'],
      masqueradeMark: '0x4000',
    },
    bridge: { bridge: BRIDGE, gateway: '10.42.0.1', prefixLength: 24 },
    runner: commandRunner(['ip', 'netns', 'exec', NS]),
  });
  try {
    const all = new Map<string, ServicePort[]>();
    for (let i = 0; i < SERVICES; i++) all.set(`bench/svc-${i}`, [servicePort(i)]);
    const [fullMs, stats] = await timed(() => proxier.syncAll(all, true));
    const chains = (await node.exec(['nft', 'list', 'chains', 'ip']))
      .split('\n')
      .filter((l) => /^\s*chain /.test(l));
    const routes = (await node.exec(['ip', 'route', 'show', 'proto', ROUTE_PROTO])).trim().split('\n').length;
    console.log(
      `full sync (table re-created):        ${ms(fullMs)}  (${fmt(stats.nftBytes / 1024, 0)} KiB of nft input, ${chains.length} chains, ${routes} routes)`,
    );

    const incremental: number[] = [];
    for (let k = 0; k < CHANGES; k++) {
      const i = (k * 37) % SERVICES;
      const sp = servicePort(i);
      const moved = {
        ...sp,
        endpoints: sp.endpoints.map((e, j) => (j === 0 ? { ...e, ip: `10.42.250.${k + 2}` } : e)),
      };
      const [t] = await timed(() => proxier.syncChanged(new Map([[sp.service, [moved]]])));
      incremental.push(t);
      const [back] = await timed(() => proxier.syncChanged(new Map([[sp.service, [sp]]])));
      incremental.push(back);
    }

    const floor: number[] = [];
    for (let k = 0; k < CHANGES; k++) {
      const [t] = await timed(() =>
        sh(
          ['ip', 'netns', 'exec', NS, 'nft', '-f', '-'],
          `add element ip ${TABLE} cluster-ips { 10.43.255.${k + 1} }\n`,
        ),
      );
      floor.push(t);
    }
    const spawn: number[] = [];
    for (let k = 0; k < CHANGES; k++)
      spawn.push((await timed(() => sh(['ip', 'netns', 'exec', NS, 'true'])))[0]);

    const refill: number[] = [];
    for (let k = 0; k < 3; k++) {
      const sp = servicePort(k);
      const moved = {
        ...sp,
        endpoints: sp.endpoints.map((e, j) => (j === 0 ? { ...e, ip: `10.42.251.${k + 2}` } : e)),
      };
      all.set(sp.service, [moved]);
      refill.push((await timed(() => proxier.syncAll(all, false)))[0]);
    }

    const p50 = percentile(incremental, 50);
    console.log(
      `one endpoint change (incremental):   p50 ${ms(p50)}  p99 ${ms(percentile(incremental, 99))}  max ${ms(Math.max(...incremental))}  (${incremental.length} changes)`,
    );
    console.log(
      `reference: one-element nft -f:       p50 ${ms(percentile(floor, 50))}  (process start in the namespace alone: p50 ${ms(percentile(spawn, 50))})`,
    );
    console.log(
      `reference: same change, full refill: p50 ${ms(percentile(refill, 50))}  (${refill.length} runs)`,
    );
    console.log(
      `incremental change p50 ${ms(p50)} = ${fmt(p50 / percentile(floor, 50), 2)}x the nft floor, ${fmt(percentile(refill, 50) / p50, 1)}x faster than a full refill; target <= ${TARGET_MS} ms: ${p50 <= TARGET_MS ? 'met' : 'MISSED'}`,
    );
  } finally {
    await proxier.cleanup().catch(() => undefined);
    await node.close();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void sh(['ip', 'netns', 'del', NS])
      .catch(() => undefined)
      .finally(() => process.exit(130));
  });

await main();
