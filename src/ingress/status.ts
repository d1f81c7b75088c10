/**
 * The status this controller writes on the Ingresses it serves: status.loadBalancer.ingress
 * lists the IPs of the nodes that serve it. Each node's controller adds its own IP and
 * keeps the IPs of other existing Nodes, so several nodes converge on the union without
 * removing each other; IPs of Nodes that are gone are dropped. Ingresses it does not
 * serve are left alone (their controller owns their status). Pure.
 */
import type { KObject } from '../registry/types.js';

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

/** The addresses of the Nodes (InternalIP and ExternalIP). */
export function nodeAddresses(nodes: KObject[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) {
    const addrs = ((n['status'] as { addresses?: { type?: string; address?: string }[] } | undefined)
      ?.addresses ?? []) as { type?: string; address?: string }[];
    for (const a of addrs) {
      if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && a.address) out.add(a.address);
    }
  }
  return out;
}

export function currentAddresses(ingress: KObject): LoadBalancerIngress[] {
  const st = ingress['status'] as { loadBalancer?: { ingress?: LoadBalancerIngress[] } } | undefined;
  return st?.loadBalancer?.ingress ?? [];
}

/**
 * The status.loadBalancer.ingress a served Ingress should have, or undefined when it
 * already has it.
 */
export function desiredAddresses(
  ingress: KObject,
  ownIp: string,
  nodeIps: Set<string>,
): LoadBalancerIngress[] | undefined {
  const current = currentAddresses(ingress);
  const ips = new Set<string>([ownIp]);
  for (const e of current) if (e.ip && nodeIps.has(e.ip)) ips.add(e.ip);
  const want = [...ips].sort().map((ip) => ({ ip }));
  const same =
    current.length === want.length &&
    current.every((e, i) => e.ip === want[i]?.ip && e.hostname === undefined && Object.keys(e).length === 1);
  return same ? undefined : want;
}
