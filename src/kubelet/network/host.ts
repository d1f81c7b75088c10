/**
 * The host side of a node's pod network: writes the CNI conflist where containerd reads
 * it, turns on IPv4 forwarding, and installs blackhole routes for the whole cluster and
 * service ranges so that a cluster address nobody serves locally is dropped instead of
 * following the default route off the machine (RUNTIME.md). More specific routes (the
 * node's bridge) win over them. Several nodes on one machine share these routes: each
 * holds a claim file under /run/k8ts/network, and the last one to leave removes the
 * routes, its bridge, portmap's chains, and restores ip_forward as it found it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type NodeNetwork, renderConflist } from './cni-config.js';

const run = promisify(execFile);
const CLAIMS = '/run/k8ts/network';
const FORWARD = '/proc/sys/net/ipv4/ip_forward';

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args, { timeout: 10_000 })).stdout;
}

async function quietly(f: () => Promise<unknown>): Promise<void> {
  await f().catch(() => undefined);
}

export interface HostNetworkOptions {
  network: NodeNetwork;
  /** containerd's CNI conf_dir. */
  confDir: string;
  /** Identifies this node's claim on the shared routes. */
  claim: string;
}

export async function setUpHostNetwork(o: HostNetworkOptions): Promise<void> {
  await mkdir(o.confDir, { recursive: true });
  await writeFile(join(o.confDir, '10-k8ts.conflist'), renderConflist(o.network));
  await mkdir(CLAIMS, { recursive: true });
  const claims = await readdir(CLAIMS);
  if (!claims.includes('ip_forward.saved')) {
    const before = (await readFile(FORWARD, 'utf8')).trim();
    await writeFile(join(CLAIMS, 'ip_forward.saved'), before);
  }
  await writeFile(join(CLAIMS, o.claim), `${o.network.clusterCIDR} ${o.network.serviceCIDR}\n`);
  for (const cidr of [o.network.clusterCIDR, o.network.serviceCIDR])
    await ip('route', 'replace', 'blackhole', cidr);
  await writeFile(FORWARD, '1');
}

/** Whether `cidr` is routed to a blackhole now. */
export async function hasBlackhole(cidr: string): Promise<boolean> {
  return (await ip('route', 'show', 'type', 'blackhole'))
    .split('\n')
    .some((l) => l.trim() === `blackhole ${cidr}`);
}

/**
 * Undoes what setUpHostNetwork did for this node: its bridge (only once its pods are
 * gone) and conflist; the shared routes and ip_forward when no other node claims them.
 */
export async function tearDownHostNetwork(o: HostNetworkOptions): Promise<void> {
  await rm(join(o.confDir, '10-k8ts.conflist'), { force: true });
  await quietly(() => ip('link', 'delete', o.network.bridge, 'type', 'bridge'));
  await rm(join(CLAIMS, o.claim), { force: true });
  const others = (await readdir(CLAIMS).catch(() => [] as string[])).filter((f) => f !== 'ip_forward.saved');
  if (others.length > 0) return;
  for (const cidr of [o.network.clusterCIDR, o.network.serviceCIDR])
    await quietly(() => ip('route', 'delete', 'blackhole', cidr));
  await removePortmapChains();
  const saved = await readFile(join(CLAIMS, 'ip_forward.saved'), 'utf8').catch(() => '');
  if (saved.trim() === '0' || saved.trim() === '1') await writeFile(FORWARD, saved.trim());
  await rm(CLAIMS, { recursive: true, force: true });
  await rmdir(dirname(CLAIMS)).catch(() => undefined);
}

/** portmap's CNI-HOSTPORT-* and CNI-DN-* chains in the nat table, left behind by the plugin. */
async function removePortmapChains(): Promise<void> {
  let rules = '';
  try {
    rules = (await run('iptables', ['-t', 'nat', '-S'], { timeout: 10_000 })).stdout;
  } catch {
    return;
  }
  const jumps = rules
    .split('\n')
    .filter((l) => l.startsWith('-A ') && / -j CNI-(HOSTPORT|DN)-?/.test(l) && !/^-A CNI-/.test(l));
  for (const l of jumps)
    await quietly(() =>
      run('iptables', ['-t', 'nat', ...shellWords(l.replace(/^-A /, '-D '))], { timeout: 10_000 }),
    );
  const chains = rules
    .split('\n')
    .filter((l) => /^-N CNI-(HOSTPORT|DN)/.test(l))
    .map((l) => l.slice(3));
  for (const c of chains) await quietly(() => run('iptables', ['-t', 'nat', '-F', c], { timeout: 10_000 }));
  for (const c of chains) await quietly(() => run('iptables', ['-t', 'nat', '-X', c], { timeout: 10_000 }));
}

/** Splits an `iptables -S` line into arguments, honouring double quotes. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
  return out;
}
