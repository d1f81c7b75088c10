/**
 * The reference without k8ts: a containerd of its own (ContainerdSupervisor in a
 * temporary directory) with its own CNI network (a bridge on 10.42.250.0/24, routes only
 * to the cluster and service ranges, the blackhole routes of the project's host network
 * setup), driven straight over CRI. Each pod is RunPodSandbox + CreateContainer +
 * StartContainer of busybox `sleep 3600` with the images already pulled; its time is
 * from the first call to the answer of the last. Everything it starts is removed at the
 * end, or by stopBareCri() when the benchmark is interrupted: pods, containerd, the bridge
 * and routes (`k8ts killall` logic on its directory), the directory itself.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killall } from '../../src/kubelet/agent/killall.js';
import { containerdLayout } from '../../src/kubelet/containerd/config.js';
import { ContainerdSupervisor } from '../../src/kubelet/containerd/supervisor.js';
import { CriClient } from '../../src/kubelet/cri/client.js';
import type { ContainerConfig, NamespaceOption, PodSandboxConfig } from '../../src/kubelet/cri/types.js';
import { setUpHostNetwork } from '../../src/kubelet/network/host.js';
import { MANAGED } from '../../src/kubelet/pods/labels.js';
import { parseResolvConf } from '../../src/kubelet/pods/sandbox-config.js';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../../test/support/registry.js';
import { runLoad } from '../lib/stats.js';

export const CRI_NETWORK =
  'CNI bridge k8tsbenchcri, 10.42.250.0/24 (host-local IPAM), routes to 10.42/16 + 10.43/16 only';

export interface CriFigures {
  /** Pods started one at a time: ms each. */
  serialMs: number[];
  /** Pods started at once: ms each. */
  burstMs: number[];
  /** Stop and remove of every pod, 4 pods in flight: total ms. */
  removeMs: number;
}

const NS: NamespaceOption = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' };

/** While bareCri runs: stops and removes what it started (for a signal handler). */
export let stopBareCri: (() => Promise<void>) | undefined;

export async function bareCri(serial: number, burst: number, log: (m: string) => void): Promise<CriFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-bench-pods-cri-'));
  const layout = containerdLayout(join(dir, 'containerd'));
  const signal = AbortSignal.timeout(300_000);
  // Every call in flight listens on it: the pods started at once and the removals.
  setMaxListeners(Math.max(10, 2 * (serial + burst + 1)), signal);
  const o = { signal };
  let sup: ContainerdSupervisor | undefined;
  let cri: CriClient | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> => {
    cleaned ??= (async () => {
      cri?.close();
      await sup?.close();
      // Whatever is left (pods after a failure, shims, mounts, bridge, routes).
      await killall(dir, (m) => log(`bare CRI cleanup: ${m}`)).catch((e: unknown) =>
        log(`bare CRI cleanup failed: ${(e as Error).message}`),
      );
      await rm(dir, { recursive: true, force: true });
    })();
    return cleaned;
  };
  stopBareCri = cleanUp;
  try {
    await setUpHostNetwork({
      network: {
        name: 'k8ts-bench-cri',
        bridge: 'k8tsbenchcri',
        podCIDR: '10.42.250.0/24',
        clusterCIDR: '10.42.0.0/16',
        serviceCIDR: '10.43.0.0/16',
        ipamDataDir: join(dir, 'ipam'),
      },
      confDir: layout.cniConfDir,
      claim: 'node-bench-cri',
    });
    sup = new ContainerdSupervisor({ dir: layout.dir, sandboxImage: PAUSE_IMAGE });
    await sup.start(signal);
    cri = new CriClient({ address: sup.layout.address });
    const c = cri;
    await c.pullImage({ image: PAUSE_IMAGE }, o);
    const image = await c.pullImage({ image: BUSYBOX_IMAGE }, o);
    const dns = parseResolvConf(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));

    const startPod = async (name: string): Promise<number> => {
      const t0 = performance.now();
      const sandbox: PodSandboxConfig = {
        metadata: { name, namespace: 'bench', uid: randomUUID(), attempt: 0 },
        hostname: name,
        log_directory: join(dir, 'logs', name),
        dns_config: dns,
        labels: { [MANAGED]: 'true' },
        linux: { security_context: { namespace_options: NS } },
      };
      const id = await c.runPodSandbox(sandbox, o);
      const config: ContainerConfig = {
        metadata: { name: 'sleep', attempt: 0 },
        image: { image },
        command: ['sleep', '3600'],
        log_path: 'sleep/0.log',
        labels: { [MANAGED]: 'true' },
        linux: { security_context: { namespace_options: NS } },
      };
      const cid = await c.createContainer(id, config, sandbox, o);
      await c.startContainer(cid, o);
      return performance.now() - t0;
    };

    const warm = await startPod('warmup');
    log(`bare CRI: warm-up pod started in ${warm.toFixed(0)} ms (not counted)`);
    const serialMs: number[] = [];
    for (let i = 0; i < serial; i++) serialMs.push(await startPod(`serial-${i}`));
    const burstMs = await Promise.all(Array.from({ length: burst }, (_, i) => startPod(`burst-${i}`)));

    const t0 = performance.now();
    const containers = await c.listContainers({ label_selector: { [MANAGED]: 'true' } }, o);
    await runLoad(containers.length, 4, async (i) => {
      await c.stopContainer(containers[i]!.id, 0, o);
      await c.removeContainer(containers[i]!.id, o);
    });
    const sandboxes = await c.listPodSandbox({ label_selector: { [MANAGED]: 'true' } }, o);
    await runLoad(sandboxes.length, 4, async (i) => {
      await c.stopPodSandbox(sandboxes[i]!.id, o);
      await c.removePodSandbox(sandboxes[i]!.id, o);
    });
    return { serialMs, burstMs, removeMs: performance.now() - t0 };
  } finally {
    await cleanUp();
    stopBareCri = undefined;
  }
}
