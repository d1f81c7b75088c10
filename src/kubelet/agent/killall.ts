/**
 * Removes everything a node's kubelet left running or configured, as k3s-killall.sh
 * does: every pod sandbox and container in the node's containerd (started for the
 * purpose when it is not running), leftover shim processes, mounts under the data
 * directory, and the node's network state (the service proxy's nftables table and routes,
 * bridge, conflist, shared blackhole routes when no other node on the machine claims them).
 * For use once the kubelet has stopped. When containerd cannot be reached or started, the
 * rest still happens: the processes left in the containers' cgroups are killed directly.
 */

import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeProxyLeftovers } from '../../proxy/cleanup.js';
import { containerdLayout } from '../containerd/config.js';
import { processesMentioning, signal } from '../containerd/processes.js';
import { ContainerdSupervisor, waitForSocket } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
import { waitForRuntime } from '../cri/ready.js';
import type { NodeNetwork } from '../network/cni-config.js';
import { tearDownHostNetwork } from '../network/host.js';
import { MANAGED } from '../pods/labels.js';

const run = promisify(execFile);

async function socketAnswers(socket: string): Promise<boolean> {
  try {
    await waitForSocket(socket, 300, AbortSignal.timeout(1_000));
    return true;
  } catch {
    return false;
  }
}

async function removePods(address: string, log: (m: string) => void): Promise<number> {
  const cri = new CriClient({ address });
  const o = { signal: AbortSignal.timeout(120_000) };
  try {
    await waitForRuntime(cri, o.signal, 60_000);
    const sel = { label_selector: { [MANAGED]: 'true' } };
    const containers = await cri.listContainers(sel, o);
    await Promise.all(containers.map((c) => cri.stopContainer(c.id, 0, o).catch(() => undefined)));
    for (const c of containers) await cri.removeContainer(c.id, o).catch(() => undefined);
    const sandboxes = await cri.listPodSandbox(sel, o);
    for (const s of sandboxes) {
      await cri
        .stopPodSandbox(s.id, o)
        .catch((e: unknown) => log(`stop sandbox ${s.id}: ${(e as Error).message}`));
      await cri.removePodSandbox(s.id, o).catch(() => undefined);
    }
    return sandboxes.length;
  } finally {
    cri.close();
  }
}

/** Mount points under `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  return text
    .split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** The cgroup directories containerd gives a task of its `k8s.io` namespace (v1 and v2). */
function taskCgroups(id: string): string[] {
  const v1 = ['pids', 'memory', 'cpu,cpuacct', 'cpu', 'freezer', 'systemd', 'unified'];
  return [...v1.map((c) => `/sys/fs/cgroup/${c}/k8s.io/${id}`), `/sys/fs/cgroup/k8s.io/${id}`];
}

/**
 * Kills every process still in the cgroup of a task this containerd ran (its state
 * directory names them), for when the runtime could not stop them. Returns how many.
 */
async function killTaskProcesses(state: string): Promise<number> {
  const ids = await readdir(join(state, 'io.containerd.runtime.v2.task', 'k8s.io')).catch(() => []);
  const pids = new Set<number>();
  for (const id of ids) {
    if (!/^[0-9a-f]{64}$/.test(id)) continue;
    for (const dir of taskCgroups(id)) {
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const p of procs.split('\n')) if (/^\d+$/.test(p)) pids.add(Number(p));
    }
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  return pids.size;
}

export async function killall(agentDir: string, log: (m: string) => void): Promise<void> {
  const layout = containerdLayout(join(agentDir, 'containerd'));
  let sup: ContainerdSupervisor | undefined;
  let address = layout.address;
  const hasConfig = await readFile(layout.configFile, 'utf8').then(
    () => true,
    () => false,
  );
  if (hasConfig) {
    try {
      if (!(await socketAnswers(layout.socket))) {
        sup = new ContainerdSupervisor({ dir: layout.dir, sandboxImage: '127.0.0.1:5000/k8ts/pause:3.10' });
        await sup.start(AbortSignal.timeout(60_000));
        address = sup.layout.address;
      }
      const n = await removePods(address, log);
      log(`removed ${n} pod sandboxes`);
    } catch (err) {
      log(`could not remove pods through containerd: ${(err as Error).message}`);
    } finally {
      await sup?.close().catch((err: unknown) => log(`stop containerd: ${(err as Error).message}`));
    }
  }
  const left = await killTaskProcesses(layout.state);
  if (left > 0) log(`killed ${left} container processes left running`);
  for (const pid of await processesMentioning(layout.dir)) signal(pid, 'SIGKILL');
  for (const m of await mountsUnder(agentDir)) await run('umount', ['-l', m]).catch(() => undefined);
  const conflist = join(layout.cniConfDir, '10-k8ts.conflist');
  const conf = await readFile(conflist, 'utf8').catch(() => '');
  if (conf) {
    const parsed = JSON.parse(conf) as {
      name: string;
      plugins: {
        bridge?: string;
        ipam?: { ranges?: { subnet: string }[][]; routes?: { dst: string }[]; dataDir?: string };
      }[];
    };
    const br = parsed.plugins[0];
    const routes = br?.ipam?.routes ?? [];
    const network: NodeNetwork = {
      name: parsed.name,
      bridge: br?.bridge ?? '',
      podCIDR: br?.ipam?.ranges?.[0]?.[0]?.subnet ?? '',
      clusterCIDR: routes[0]?.dst ?? '10.42.0.0/16',
      serviceCIDR: routes[1]?.dst ?? '10.43.0.0/16',
      ipamDataDir: br?.ipam?.dataDir ?? '',
    };
    if (network.bridge) await removeProxyLeftovers(network.bridge);
    const claim = parsed.name.replace(/^k8ts-/, 'node-');
    await tearDownHostNetwork({ network, confDir: layout.cniConfDir, claim });
    log(`removed network ${network.bridge}`);
  }
}
