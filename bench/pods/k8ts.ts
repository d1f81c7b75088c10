/**
 * The k8ts side: a server with its kubelet (node `bench-pods`), its RSS idle once the
 * node is Ready, a warm-up pod that pulls the image, then pod create -> Running as a
 * watch sees it (from right before the create request to the event whose status shows
 * phase Running with the container running) for pods one at a time and pods at once
 * (with the CPU the server and its containerd used for the pods at once),
 * its RSS with N pods running, and the time to delete them all. Also the idle RSS of a
 * `--disable-agent` server, to take the kubelet's share. Each server is stopped (by PID,
 * with `k8ts killall` for the kubelet's pods and network) before this returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Cluster, createPods, deletePods, NAMESPACE, startCluster, waitNodeReady } from './cluster.js';
import { cpuDelta, cpuMs } from './cpu.js';
import { childNamed, rssMiB, sampledRssMiB } from './rss.js';
import { PodWatch } from './watch.js';

export const NODE = 'bench-pods';
/** Quiet time after start (and after load) before memory is read. */
const SETTLE_MS = 5_000;

export interface K8tsFigures {
  nodeReadySeconds: number;
  idleRssMiB: number;
  containerdIdleMiB: number | undefined;
  warmupMs: number;
  serialMs: number[];
  burstMs: number[];
  /** CPU the server process used from the burst's creates until all its pods ran. */
  burstServerCpuMs: number | undefined;
  /** The same for its containerd (with its shims and runc not counted: separate processes). */
  burstContainerdCpuMs: number | undefined;
  runningPods: number;
  loadedRssMiB: number;
  containerdLoadedMiB: number | undefined;
  deleteSeconds: number;
  afterRssMiB: number;
}

export interface Sizes {
  serial: number;
  burst: number;
  running: number;
}

/** The cluster being measured, for a signal handler to stop. */
export let current: Cluster | undefined;

async function withCluster<T>(agent: boolean, fn: (c: Cluster) => Promise<T>): Promise<T> {
  const c = await startCluster(agent, NODE);
  current = c;
  try {
    return await fn(c);
  } catch (err) {
    const tail = c.server.output().split('\n').slice(-30).join('\n');
    throw new Error(`${(err as Error).message}\n--- last server output:\n${tail}`);
  } finally {
    current = undefined;
    await c.stop();
  }
}

/** Idle RSS (MiB) of a server without a kubelet, read after the same settle time. */
export function baselineRss(): Promise<number> {
  return withCluster(false, async (c) => {
    await sleep(SETTLE_MS);
    return sampledRssMiB(c.server.pid);
  });
}

export function measureK8ts(sizes: Sizes, log: (m: string) => void): Promise<K8tsFigures> {
  return withCluster(true, async ({ server, client }) => {
    const pid = server.pid;
    const containerd = () => {
      const c = childNamed(pid, 'containerd');
      return c === undefined ? undefined : rssMiB(c);
    };
    const nodeReadySeconds = await waitNodeReady(client, NODE, 120_000);
    await sleep(SETTLE_MS);
    const idleRssMiB = await sampledRssMiB(pid);
    const containerdIdleMiB = containerd();
    const watch = new PodWatch(client, NAMESPACE);
    await watch.start();
    const running = (names: string[]) => () => names.every((n) => watch.runningAt.has(n));
    const elapsed = (names: string[], sent: Map<string, number>) =>
      names.map((n) => watch.runningAt.get(n)! - sent.get(n)!);
    try {
      const warm = ['bench-warmup'];
      const warmSent = await createPods(client, warm);
      await watch.waitFor(running(warm), 180_000, 'warm-up pod Running');
      const warmupMs = elapsed(warm, warmSent)[0]!;
      log(`k8ts: warm-up pod (image pull included) Running after ${warmupMs.toFixed(0)} ms (not counted)`);
      await deletePods(client, warm);
      await watch.waitFor(() => !watch.present.has(warm[0]!), 60_000, 'warm-up pod deleted');

      const serialMs: number[] = [];
      for (let i = 0; i < sizes.serial; i++) {
        const one = [`bench-serial-${i}`];
        const sent = await createPods(client, one);
        await watch.waitFor(running(one), 60_000, `${one[0]} Running`);
        serialMs.push(elapsed(one, sent)[0]!);
      }

      const burst = Array.from({ length: sizes.burst }, (_, i) => `bench-burst-${i}`);
      const containerdPid = childNamed(pid, 'containerd');
      const cpu0 = [cpuMs(pid), cpuMs(containerdPid)] as const;
      const burstSent = await createPods(client, burst);
      await watch.waitFor(running(burst), 120_000, `${sizes.burst} pods Running`);
      const burstServerCpuMs = cpuDelta(cpu0[0], cpuMs(pid));
      const burstContainerdCpuMs = cpuDelta(cpu0[1], cpuMs(containerdPid));
      const burstMs = elapsed(burst, burstSent);

      const extra = sizes.running - sizes.serial - sizes.burst;
      const fill = Array.from({ length: extra }, (_, i) => `bench-fill-${i}`);
      if (fill.length > 0) {
        await createPods(client, fill);
        await watch.waitFor(running(fill), 180_000, `${extra} more pods Running`);
      }
      const all = [...Array.from({ length: sizes.serial }, (_, i) => `bench-serial-${i}`), ...burst, ...fill];
      await sleep(SETTLE_MS);
      const loadedRssMiB = await sampledRssMiB(pid);
      const containerdLoadedMiB = containerd();

      const t0 = performance.now();
      await deletePods(client, all);
      await watch.waitFor(() => all.every((n) => !watch.present.has(n)), 180_000, 'all pods deleted');
      const deleteSeconds = (performance.now() - t0) / 1000;
      await sleep(SETTLE_MS);
      const afterRssMiB = await sampledRssMiB(pid);
      return {
        nodeReadySeconds,
        idleRssMiB,
        containerdIdleMiB,
        warmupMs,
        serialMs,
        burstMs,
        burstServerCpuMs,
        burstContainerdCpuMs,
        runningPods: all.length,
        loadedRssMiB,
        containerdLoadedMiB,
        deleteSeconds,
        afterRssMiB,
      };
    } finally {
      await watch.stop();
    }
  });
}
