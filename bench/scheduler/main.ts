/**
 * Scheduler benchmark: pods/s from the first pod created to the last pod seen bound, on
 * 5,000 nodes, through a real `k8ts server` (scheduler in-process, leader-elected) driven
 * over HTTP/2 by this process: basic pods (10,000 and 50,000), pods with a zone spread
 * constraint, with required node affinity, and with required pod anti-affinity. Each
 * scenario gets a fresh server. Printed next to each figure: the kube-scheduler reference
 * floor for the same case (scheduler_perf: 810 basic, 460 spread, 220 node affinity,
 * 60 anti-affinity pods/s) and the target (>= 2,000 basic, >= 1,000 spread). Two
 * references measured in the same run bound the figure from above: the API server's
 * rate for the same pod creates when no scheduler acts on them, and the scheduler's own
 * decision rate in-process without the API.
 *
 *   node dist/bench/scheduler/main.js [--quick] [--nodes N] [--pods N] [--concurrency N]
 *     [--scenarios basic,basic-large,spread,node-affinity,anti-affinity] [--profile DIR]
 *     [--no-references]
 *
 * It stops every server it starts, also when a scenario fails.
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fmt } from '../lib/stats.js';
import { type Cluster, createNodes, post, startCluster } from './cluster.js';
import { coreRate } from './core.js';
import { type Options, parseOptions, type ScenarioName } from './options.js';
import { printHotspots } from './profile.js';
import { measure } from './throughput.js';
import { podBodies, ZONES } from './workloads.js';

const REFERENCE: Record<ScenarioName, number> = {
  basic: 810,
  'basic-large': 810,
  spread: 460,
  'node-affinity': 220,
  'anti-affinity': 60,
};
const TARGET: Partial<Record<ScenarioName, number>> = { basic: 2000, 'basic-large': 2000, spread: 1000 };

interface Row {
  scenario: ScenarioName;
  pods: number;
  podsPerSecond: number;
  apiCeiling?: number;
  core?: number;
}

function zoneOf(node: string): number {
  return Number(node.slice('node-'.length)) % ZONES;
}

/** Checks that the pods landed where the scenario says they must; returns a problem or ''. */
function checkPlacement(scenario: ScenarioName, perNode: Map<string, number>): string {
  if (scenario === 'anti-affinity') {
    const crowded = [...perNode.values()].filter((n) => n > 1).length;
    return crowded > 0 ? `${crowded} nodes hold more than one anti-affine pod` : '';
  }
  const perZone = new Array<number>(ZONES).fill(0);
  for (const [node, n] of perNode) perZone[zoneOf(node)]! += n;
  if (scenario === 'spread') {
    const skew = Math.max(...perZone) - Math.min(...perZone);
    return skew > 1 ? `zone skew ${skew} > 1 (${perZone.join('/')})` : '';
  }
  if (scenario === 'node-affinity') {
    const outside = perZone.slice(ZONES / 2).reduce((a, b) => a + b, 0);
    return outside > 0 ? `${outside} pods outside the allowed zones` : '';
  }
  return '';
}

/** Creates of the same pods with a schedulerName no scheduler serves: the API's own rate. */
async function apiCeiling(
  cluster: Cluster,
  scenario: ScenarioName,
  count: number,
  opts: Options,
): Promise<number> {
  const ns = 'bench-api-ceiling';
  await post(
    cluster.http,
    '/api/v1/namespaces',
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
  );
  const body = podBodies(scenario, 'nobody');
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await post(cluster.http, `/api/v1/namespaces/${ns}/pods`, body(i));
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** The cluster of the scenario running, stopped on Ctrl-C or SIGTERM as well. */
let current: Cluster | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function runScenario(scenario: ScenarioName, opts: Options): Promise<Row> {
  const pods = opts.pods[scenario];
  const profileDir = opts.profileDir ? resolve(opts.profileDir, scenario) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const cluster = await startCluster(profileDir);
  current = cluster;
  const row: Row = { scenario, pods, podsPerSecond: 0 };
  let window: [number, number] | undefined;
  try {
    const nodeRate = await createNodes(cluster.http, opts.nodes, opts.concurrency);
    // Let the scheduler's informer take the nodes in before the clock starts.
    await new Promise((r) => setTimeout(r, 1000));
    const r = await measure(
      cluster,
      'default',
      pods,
      opts.concurrency,
      podBodies(scenario),
      Math.max(120_000, pods * 20),
    );
    row.podsPerSecond = r.podsPerSecond;
    window = r.window;
    const problem = checkPlacement(scenario, r.perNode);
    const ref = REFERENCE[scenario];
    const target = TARGET[scenario];
    console.log(
      `${scenario.padEnd(14)} ${String(pods).padStart(6)} pods: ${fmt(r.podsPerSecond, 0).padStart(6)} pods/s` +
        `  (kube-scheduler floor ${ref}/s: ${fmt(r.podsPerSecond / ref, 2)}x` +
        (target ? `; target >= ${fmt(target, 0)}/s: ${r.podsPerSecond >= target ? 'met' : 'MISSED'}` : '') +
        `)  last create acked at ${fmt(r.createSeconds, 1)} s, last bind seen at ${fmt(r.seconds, 1)} s;` +
        ` ${r.perNode.size} nodes used; ${opts.nodes} nodes created at ${fmt(nodeRate, 0)}/s` +
        (r.relists ? ` (the watch was cut off ${r.relists} time(s) and caught up by listing)` : '') +
        (problem ? `  PLACEMENT WRONG: ${problem}` : ''),
    );
    const msPerPod = (1000 * r.serverCpuSeconds) / pods;
    console.log(
      `${''.padEnd(14)} server process CPU (all threads): ${fmt(r.serverCpuSeconds, 1)} s in ${fmt(r.seconds, 1)} s, ` +
        `${fmt(msPerPod, 2)} ms per pod`,
    );
    if (!opts.skipReferences && (scenario === 'basic' || scenario === 'spread')) {
      row.apiCeiling = await apiCeiling(cluster, scenario, Math.min(pods, 10_000), opts);
      console.log(
        `${''.padEnd(14)} reference: the same pod creates with no scheduler acting on them: ${fmt(row.apiCeiling, 0)}/s`,
      );
    }
  } finally {
    current = undefined;
    await cluster.stop();
    if (profileDir && window) printHotspots(profileDir, window);
  }
  if (!opts.skipReferences) {
    const core = coreRate(scenario, opts.nodes, Math.min(pods, 20_000));
    row.core = core.decisionsPerSecond;
    console.log(
      `${''.padEnd(14)} reference: scheduler decisions in-process, no API: ${fmt(core.decisionsPerSecond, 0)}/s` +
        (core.unschedulable ? ` (${core.unschedulable} unschedulable)` : ''),
    );
  }
  return row;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  console.log(
    `scheduler benchmark: node ${process.version}, ${cpus().length} CPUs; ${opts.nodes} Node objects (no kubelets); ` +
      `pods created over HTTP/2 (src/client HttpsTransport, one session) with ${opts.concurrency} creates in flight; ` +
      'time from the first create to the last pod seen bound on a watch',
  );
  const rows: Row[] = [];
  for (const s of opts.scenarios) rows.push(await runScenario(s, opts));
  console.log('--- summary (pods/s end to end; kube-scheduler floor; target)');
  for (const r of rows) {
    const target = TARGET[r.scenario];
    console.log(
      `${r.scenario.padEnd(14)} ${fmt(r.podsPerSecond, 0).padStart(6)}/s  floor ${String(REFERENCE[r.scenario]).padStart(3)}/s  ` +
        (target ? `target ${target}/s ${r.podsPerSecond >= target ? 'met' : 'MISSED'}` : 'no target') +
        (r.core ? `; scheduler alone ${fmt(r.core, 0)}/s` : '') +
        (r.apiCeiling ? `; API creates alone ${fmt(r.apiCeiling, 0)}/s` : ''),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
