/**
 * Scale benchmark: a real `k8ts server --simulated-nodes N` (scheduler, controllers and N
 * simulated kubelets in one process) filled with bare pods created over HTTP/2, 30 a node
 * at full size (5,000 nodes, 150,000 pods). Prints, each next to its target:
 *   - time from the first create until every pod is seen Running on a watch;
 *   - p50/p99 latency of mutating calls (ConfigMap create/update/delete, pod delete and
 *     create) at a steady rate while the cluster is full and pods churn (target p99 <= 100 ms);
 *   - one LIST of all pods as JSON with no limit (target <= 3 s), and the same in chunks
 *     of 500 as `kubectl get pods -A` asks (JSON and Table), plus the real kubectl;
 *   - the server's resident memory (VmRSS now, VmHWM peak; target <= 4 GiB).
 *
 *   node dist/bench/scale/main.js [--quick] [--nodes N] [--pods N] [--concurrency N]
 *     [--churn-rate N] [--churn-seconds N] [--running-timeout S] [--profile DIR] [--no-kubectl]
 *     [--node-arg FLAG]... [--server-log FILE]
 *
 * It stops the server it starts, also on failure or Ctrl-C; every wait is bounded.
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { HttpsTransport } from '../../src/client/https.js';
import { readCredentials } from '../apiserver/kubeconfig.js';
import { makeTransport } from '../apiserver/transport.js';
import { fmt, percentile } from '../lib/stats.js';
import { post } from '../scheduler/cluster.js';
import { monotonicMicros, printHotspots } from '../scheduler/profile.js';
import { type BenchServer, startBenchServer } from '../scheduler/server.js';
import { cpuSeconds } from '../scheduler/throughput.js';
import { podBodies, podName } from '../scheduler/workloads.js';
import { churn } from './churn.js';
import { fill } from './fill.js';
import { kubectlGetPods, type ListTiming, listAll, listChunked } from './list.js';
import { memoryOf } from './memory.js';
import { waitForNodes } from './nodes.js';
import { parseOptions } from './options.js';

const TARGET_P99_MS = 100;
const TARGET_LIST_S = 3;
const TARGET_RSS_MIB = 4096;
const NAMESPACE = 'scale';

let server: BenchServer | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function printList(label: string, t: ListTiming, expected: number, target?: number): void {
  console.log(
    `${label.padEnd(44)} ${fmt(t.seconds, 2).padStart(7)} s  ${fmt(t.bytes / 2 ** 20, 0).padStart(5)} MiB` +
      `  ${t.items} items${t.pages > 1 ? ` in ${t.pages} pages` : ''}` +
      (t.items < expected ? `  (EXPECTED ${expected})` : '') +
      (target !== undefined
        ? `  (target <= ${target} s: ${verdict(t.seconds <= target && t.items >= expected)})`
        : ''),
  );
}

function printMemory(when: string, pid: number): void {
  const m = memoryOf(pid);
  if (!m) return;
  console.log(
    `server memory ${when}: VmRSS ${fmt(m.rssMiB, 0)} MiB, VmHWM (peak) ${fmt(m.peakMiB, 0)} MiB` +
      `  (target <= ${TARGET_RSS_MIB} MiB: ${verdict(m.peakMiB <= TARGET_RSS_MIB)})`,
  );
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  console.log(
    `scale benchmark: node ${process.version}, ${cpus().length} CPUs; k8ts server --simulated-nodes ${opts.nodes}; ` +
      `${opts.pods} bare pods (no controller) in namespace ${NAMESPACE}, created over HTTP/2 with ` +
      `${opts.concurrency} in flight; churn ${opts.churnRate} mutating calls/s for ${opts.churnSeconds} s`,
  );
  const profileDir = opts.profileDir ? resolve(opts.profileDir) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const windows: [string, [number, number]][] = [];
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const w0 = monotonicMicros();
    try {
      return await f();
    } finally {
      windows.push([name, [w0, monotonicMicros()]]);
    }
  };
  server = await startBenchServer(
    [
      // Room to measure past the target instead of dying at V8's default heap limit.
      '--max-old-space-size=12288',
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...opts.nodeArgs,
    ],
    ['--simulated-nodes', String(opts.nodes)],
    opts.serverLog,
  );
  const creds = readCredentials(server.kubeconfig);
  const http = new HttpsTransport({
    server: creds.url,
    caPem: creds.ca,
    certPem: creds.cert,
    keyPem: creds.key,
  });
  const big = makeTransport('h2', creds, 1);
  const pid = server.pid;
  try {
    const nodeSeconds = await waitForNodes(http, opts.nodes, 600_000);
    console.log(`${opts.nodes} simulated nodes Ready ${fmt(nodeSeconds, 1)} s after the server was ready`);
    printMemory('with the nodes only', pid);
    await post(
      http,
      '/api/v1/namespaces',
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }),
    );
    const body = podBodies('basic');
    const cpu0 = cpuSeconds(pid);
    const f = await phase('fill', () =>
      fill(
        http,
        { ...creds, server: creds.url },
        NAMESPACE,
        opts.pods,
        opts.concurrency,
        body,
        Math.max(600_000, opts.pods * 20),
      ),
    );
    const cpu = fmt(cpuSeconds(pid) - cpu0, 0);
    const relisted = f.relists ? `; the watch was cut off ${f.relists} time(s) and caught up by listing` : '';
    if (f.running >= opts.pods) {
      console.log(
        `${opts.pods} pods Running (watch-observed) ${fmt(f.runningSeconds, 1)} s after the first create ` +
          `(${fmt(opts.pods / f.runningSeconds, 0)} pods/s); last create acknowledged at ${fmt(f.createSeconds, 1)} s; ` +
          `server CPU ${cpu} s${relisted}`,
      );
    } else {
      console.log(
        `NOT ALL RUNNING: ${f.running} of ${opts.pods} pods seen Running within ${opts.runningTimeoutSeconds} s ` +
          `of the first create; last create acknowledged at ${fmt(f.createSeconds, 1)} s; server CPU ${cpu} s${relisted}. ` +
          'Measuring the rest on the cluster as it is.',
      );
    }
    printMemory('after the fill', pid);

    const c = await phase('churn', () =>
      churn(http, NAMESPACE, opts.churnRate, opts.churnSeconds, body, (i) => podName('basic', i), opts.pods),
    );
    const all: number[] = [];
    for (const [kind, l] of c.latencies) {
      all.push(...l);
      console.log(
        `  ${kind.padEnd(18)} ${String(l.length).padStart(5)} calls  p50 ${fmt(percentile(l, 50), 1).padStart(7)} ms` +
          `  p99 ${fmt(percentile(l, 99), 1).padStart(7)} ms  max ${fmt(Math.max(...l), 1).padStart(7)} ms`,
      );
    }
    const p99 = percentile(all, 99);
    console.log(
      `mutating calls under churn (${opts.churnRate}/s, ${all.length} calls): p50 ${fmt(percentile(all, 50), 1)} ms, ` +
        `p99 ${fmt(p99, 1)} ms  (target p99 <= ${TARGET_P99_MS} ms: ${verdict(p99 <= TARGET_P99_MS && c.skipped === 0)})` +
        (c.skipped ? `; ${c.skipped} calls skipped, too many in flight` : '') +
        (c.errors.length ? `; errors: ${c.errors.join(' | ')}` : ''),
    );

    // Churn deleted some pods and created as many; the deleted ones may still be going away.
    const expected = opts.pods - (c.latencies.get('pod delete')?.length ?? 0);
    const maxPages = Math.ceil(opts.pods / 500) + 100;
    const get = async (path: string, accept: string) => {
      const r = await http.request('GET', path, { accept });
      return { status: r.status, body: r.body };
    };
    await phase('list', async () => {
      printList('LIST /api/v1/pods (JSON, no limit)', await listAll(big), expected, TARGET_LIST_S);
      printList('LIST /api/v1/pods (JSON, no limit), again', await listAll(big), expected, TARGET_LIST_S);
      printList(
        'LIST /api/v1/pods?limit=500 (JSON), all pages',
        await listChunked(get, 500, false, maxPages),
        expected,
      );
      printList(
        'LIST /api/v1/pods?limit=500 (Table), all pages',
        await listChunked(get, 500, true, maxPages),
        expected,
      );
    });
    if (!opts.skipKubectl) {
      const k = await phase('kubectl', () => kubectlGetPods(server!.kubeconfig, 600_000));
      if (k) printList('kubectl get pods -A --no-headers', k, expected);
    }
    printMemory('at the end', pid);
  } finally {
    http.close();
    big.close();
    await server.stop();
    server = undefined;
    if (profileDir) {
      for (const [name, w] of windows) {
        console.log(`--- server CPU profile, phase ${name}`);
        printHotspots(profileDir, w);
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
