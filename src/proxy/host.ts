/**
 * The node's side of Service routing, through the runner: the pod bridge (created with
 * its gateway address if the CNI plugin has not made it yet, which it then adopts),
 * route_localnet on it so that NodePorts on 127.0.0.1 can be DNATed to pods, and a /32
 * route per ClusterIP to the bridge so that the node's own connections to a ClusterIP
 * find a route (the Service range is otherwise a blackhole) without ever taking the
 * default route. The proxy's routes carry their own protocol number, so only they are
 * listed and removed.
 */
import { must, type Runner } from './runner.js';

/** The `proto` of the proxy's routes. */
export const ROUTE_PROTO = '107';

export interface BridgeInfo {
  bridge: string;
  /** The bridge's address, e.g. 10.42.0.1. */
  gateway: string;
  /** Prefix length of the node's pod range, e.g. 24. */
  prefixLength: number;
}

/** Makes sure the bridge exists, has the gateway address and is up. */
export async function ensureBridge(r: Runner, b: BridgeInfo): Promise<void> {
  if ((await r.run('ip', ['-o', 'link', 'show', 'dev', b.bridge])).code !== 0) {
    const add = await r.run('ip', ['link', 'add', 'name', b.bridge, 'type', 'bridge']);
    if (add.code !== 0 && !/exists/i.test(add.stderr))
      await must(r, 'ip', ['-o', 'link', 'show', 'dev', b.bridge]);
  }
  const addrs = await must(r, 'ip', ['-o', '-4', 'addr', 'show', 'dev', b.bridge]);
  if (!addrs.includes(` ${b.gateway}/`)) {
    const add = await r.run('ip', ['addr', 'add', `${b.gateway}/${b.prefixLength}`, 'dev', b.bridge]);
    if (add.code !== 0 && !/exists/i.test(add.stderr))
      throw new Error(`cannot give ${b.bridge} its address: ${add.stderr.trim()}`);
  }
  await must(r, 'ip', ['link', 'set', 'dev', b.bridge, 'up']);
}

const localnetKey = (bridge: string) => `net.ipv4.conf.${bridge}.route_localnet`;

/** Turns route_localnet on for `bridge`; returns the value it had if that was not 1. */
export async function enableRouteLocalnet(r: Runner, bridge: string): Promise<string | undefined> {
  const before = (await must(r, 'sysctl', ['-n', localnetKey(bridge)])).trim();
  if (before === '1') return undefined;
  await must(r, 'sysctl', ['-q', '-w', `${localnetKey(bridge)}=1`]);
  return before;
}

/** Puts route_localnet back (ignored when the bridge is gone). */
export async function restoreRouteLocalnet(r: Runner, bridge: string, value: string): Promise<void> {
  await r.run('sysctl', ['-q', '-w', `${localnetKey(bridge)}=${value}`]);
}

/** The destinations of the proxy's routes on `bridge`. */
export async function listVipRoutes(r: Runner, bridge: string): Promise<string[]> {
  const res = await r.run('ip', ['-o', '-4', 'route', 'show', 'dev', bridge, 'proto', ROUTE_PROTO]);
  if (res.code !== 0) return [];
  return res.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((d) => d !== '')
    .map((d) => d.replace(/\/32$/, ''));
}

/** Adds routes for `add` and removes those for `del`, each batch in one `ip` call. */
export async function changeVipRoutes(r: Runner, b: BridgeInfo, add: string[], del: string[]): Promise<void> {
  if (del.length > 0)
    await r.run(
      'ip',
      ['-force', '-batch', '-'],
      del.map((v) => `route del ${v}/32 dev ${b.bridge} proto ${ROUTE_PROTO}\n`).join(''),
    );
  if (add.length > 0)
    await must(
      r,
      'ip',
      ['-batch', '-'],
      add
        .map((v) => `route replace ${v}/32 dev ${b.bridge} src ${b.gateway} proto ${ROUTE_PROTO}\n`)
        .join(''),
    );
}

/** Removes every route of the proxy on `bridge`. */
export async function flushVipRoutes(r: Runner, bridge: string): Promise<void> {
  await r.run('ip', ['-4', 'route', 'flush', 'dev', bridge, 'proto', ROUTE_PROTO]);
}
