/**
 * Pod startup benchmark: how long a pod takes from create to Running through k8ts's own
 * kubelet and containerd, against the same pods started straight over CRI without k8ts,
 * and how much memory the kubelet adds to the `k8ts server` process it runs in.
 *
 *   1. reference: a containerd of its own with its own CNI bridge, RunPodSandbox +
 *      CreateContainer + StartContainer of busybox `sleep 3600`, N pods one at a time and
 *      M at once (images pulled beforehand);
 *   2. k8ts: `k8ts server` with its kubelet; create -> Running seen on a watch, the same
 *      N and M pods after a warm-up pod, and the CPU time the server and its containerd
 *      used while the M pods started (other load on the machine hardly moves it);
 *   3. memory: the server's VmRSS idle (node Ready, no pods) and with K pods running,
 *      against the idle VmRSS of a `--disable-agent` server measured in the same run.
 *
 * The last lines compare the figures with their targets (p50 <= 1.5x bare CRI, p99 <=
 * 1 s, kubelet share of idle RSS <= 80 MiB). It prints, it does not assert.
 *
 *   node dist/bench/pods/main.js [--serial N] [--burst M] [--running K]   (10, 20, 50)
 *
 * Needs root, containerd, runc and the CNI plugins (RUNTIME.md). It starts the loopback
 * registry if none answers, and stops and removes everything it starts, also on failure.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { ensureTestImages } from '../../test/support/registry.js';
import { fmt, percentile } from '../lib/stats.js';
import { bareCri, CRI_NETWORK, type CriFigures, stopBareCri } from './cri.js';
import { baselineRss, current, type K8tsFigures, measureK8ts } from './k8ts.js';
import { parseOptions } from './options.js';

const RATIO_TARGET = 1.5;
const P99_TARGET_MS = 1000;
const RSS_TARGET_MIB = 80;
const RUN_DIR = '/run/k8ts';

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const ms = (v: number) => `${fmt(v, 0)} ms`;
const cpuText = (v: number | undefined) => (v === undefined ? 'n/a' : ms(v));
const mib = (v: number | undefined) => (v === undefined ? 'n/a' : `${fmt(v, 1)} MiB`);

function line(label: string, values: number[]): string {
  return (
    `${label.padEnd(46)} p50 ${ms(percentile(values, 50)).padStart(8)}  p99 ${ms(percentile(values, 99)).padStart(8)}` +
    `  min ${ms(Math.min(...values)).padStart(8)}  (${values.length} pods)`
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([current?.stop(), stopBareCri?.()]).finally(() => process.exit(130));
  });
}

function summary(cri: CriFigures, k: K8tsFigures, baseMiB: number): void {
  const share = k.idleRssMiB - baseMiB;
  const rows: [string, string, boolean][] = [];
  for (const [what, bare, ours] of [
    ['one at a time', cri.serialMs, k.serialMs],
    ['at once', cri.burstMs, k.burstMs],
  ] as const) {
    const b = percentile(bare, 50);
    const o = percentile(ours, 50);
    rows.push([
      `p50 ${what} (${ours.length} pods)`,
      `k8ts ${ms(o)} vs bare CRI ${ms(b)} = ${fmt(o / b, 2)}x (target <= ${RATIO_TARGET}x)`,
      o <= RATIO_TARGET * b,
    ]);
  }
  for (const [what, bare, ours] of [
    ['one at a time', cri.serialMs, k.serialMs],
    ['at once', cri.burstMs, k.burstMs],
  ] as const) {
    const p = percentile(ours, 99);
    rows.push([
      `p99 ${what} (${ours.length} pods)`,
      `k8ts ${ms(p)} (target <= ${ms(P99_TARGET_MS)}; bare CRI p99 ${ms(percentile(bare, 99))})`,
      p <= P99_TARGET_MS,
    ]);
  }
  rows.push([
    'kubelet share of idle RSS',
    `${mib(k.idleRssMiB)} - ${mib(baseMiB)} = ${mib(share)} (target <= ${RSS_TARGET_MIB} MiB)`,
    share <= RSS_TARGET_MIB,
  ]);
  console.log('--- summary');
  for (const [label, text, ok] of rows) console.log(`${label.padEnd(32)} ${text}  ${mark(ok)}`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const log = (m: string) => console.log(`  ${m}`);
  console.log(
    `pod startup benchmark: node ${process.version}, ${cpus().length} CPUs; busybox \`sleep 3600\`, ` +
      `${opts.serial} pods one at a time, ${opts.burst} at once; memory with ${opts.running} pods running`,
  );
  // The host network setup leaves its (empty) claims parent behind; remove it if this run made it.
  const hadRunDir = existsSync(RUN_DIR);
  const stopRegistry = await ensureTestImages(AbortSignal.timeout(180_000));
  try {
    console.log(`1. bare CRI (own containerd; network: ${CRI_NETWORK})`);
    const cri = await bareCri(opts.serial, opts.burst, log);
    console.log(line('  RunPodSandbox+Create+Start, one at a time', cri.serialMs));
    console.log(line('  RunPodSandbox+Create+Start, at once', cri.burstMs));
    console.log(
      `  stop + remove of ${cri.serialMs.length + cri.burstMs.length + 1} pods: ${ms(cri.removeMs)}`,
    );

    console.log('2. k8ts server --disable-agent (baseline memory)');
    const baseMiB = await baselineRss();
    console.log(`  server VmRSS idle: ${mib(baseMiB)}`);

    console.log(`3. k8ts server with its kubelet (create -> Running seen on a watch)`);
    const k = await measureK8ts(opts, log);
    console.log(`  node Ready ${fmt(k.nodeReadySeconds, 1)} s after the API answered`);
    console.log(line('  create -> Running, one at a time', k.serialMs));
    console.log(line('  create -> Running, at once', k.burstMs));
    console.log(
      `  CPU used while they started: server ${cpuText(k.burstServerCpuMs)}, ` +
        `its containerd ${cpuText(k.burstContainerdCpuMs)}`,
    );
    console.log(
      `  server VmRSS: idle ${mib(k.idleRssMiB)}; with ${k.runningPods} pods running ${mib(k.loadedRssMiB)}; ` +
        `after they were deleted ${mib(k.afterRssMiB)}`,
    );
    console.log(
      `  containerd (a separate process, not counted above): idle ${mib(k.containerdIdleMiB)}, ` +
        `with ${k.runningPods} pods ${mib(k.containerdLoadedMiB)}`,
    );
    console.log(
      `  delete of ${k.runningPods} pods until all gone from the watch: ${fmt(k.deleteSeconds, 1)} s`,
    );
    summary(cri, k, baseMiB);
  } finally {
    await stopRegistry();
    if (!hadRunDir) {
      try {
        rmdirSync(RUN_DIR);
      } catch {
        // Absent, or not empty: another node on this machine holds a claim.
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
