/**
 * Removes everything a node's kubelet left running or configured, as k3s-killall.sh
 * does: every pod sandbox and container in the node's containerd (started for the
 * purpose when it is not running), leftover shim processes, mounts under the data
 * directory, and the node's network state (the service proxy's nftables table and routes,
 * bridge, conflist, shared blackhole routes when no other node on the machine claims them). For use once the kubelet has stopped.
 */

import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeProxyLeftovers } from '../../proxy/cleanup.js';
import { containerdLayout } from '../containerd/config.js';
import { ContainerdSupervisor, waitForSocket } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
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

/** PIDs of processes (other than this one) whose command line mentions `needle`. */
export async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) found.push(Number(name));
  }
  return found;
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
    if (!(await socketAnswers(layout.socket))) {
      sup = new ContainerdSupervisor({ dir: layout.dir, sandboxImage: '127.0.0.1:5000/k8ts/pause:3.10' });
      await sup.start(AbortSignal.timeout(30_000));
      address = sup.layout.address;
    }
    try {
      const n = await removePods(address, log);
      log(`removed ${n} pod sandboxes`);
    } finally {
      await sup?.close();
    }
  }
  for (const pid of await processesMentioning(layout.dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
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
