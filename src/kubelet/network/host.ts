/**
 * The host side of a node's pod network: writes the CNI conflist where containerd reads
 * it, creates the node's bridge with the gateway address (in the form the CNI bridge
 * plugin makes and keeps, so the host's services on the gateway - cluster DNS - and the
 * service proxy's routes exist before the first pod), turns on IPv4 forwarding, and
 * installs blackhole routes for the whole cluster and
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
import { gatewayOf, type NodeNetwork, renderConflist } from './cni-config.js';

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
  await ensureBridge(o.network);
  await writeFile(FORWARD, '1');
}

/** The node's bridge, up, holding `<gateway>/<prefix>` of its pod range. */
async function ensureBridge(n: NodeNetwork): Promise<void> {
  const want = `${gatewayOf(n.podCIDR)}/${n.podCIDR.split('/')[1] ?? '24'}`;
  let addrs = '';
  try {
    addrs = await ip('-o', '-4', 'addr', 'show', 'dev', n.bridge);
  } catch {
    try {
      await ip('link', 'add', 'name', n.bridge, 'type', 'bridge');
    } catch (err) {
      // The CNI plugin (a first pod) may have made it meanwhile.
      if (!/File exists/.test(String((err as { stderr?: string }).stderr ?? ''))) throw err;
    }
  }
  if (!addrs.split(/\s+/).includes(want)) await ip('addr', 'replace', want, 'dev', n.bridge);
  await ip('link', 'set', 'dev', n.bridge, 'up');
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
