/**
 * Where a pod's kubelet listens: the pod (404 when absent), its node (from
 * spec.nodeName) and the node's address (InternalIP, then ExternalIP, then Hostname) and
 * kubelet port (status.daemonEndpoints.kubeletEndpoint.Port, 10250 when unset). Reads the
 * registry; sends nothing to the kubelet.
 */
import type { Registry } from '../../registry/registry.js';
import type { KObject } from '../../registry/types.js';
import { ApiError } from '../errors.js';

export const DEFAULT_KUBELET_PORT = 10250;
const PREFERRED = ['InternalIP', 'ExternalIP', 'Hostname'];

export interface KubeletLocation {
  host: string;
  port: number;
}

export async function getPod(registry: Registry, namespace: string, name: string): Promise<KObject> {
  const pods = registry.get('', 'v1', 'pods');
  if (!pods) throw new Error('the pods resource is not registered');
  return pods.get(namespace, name);
}

export function nodeNameOf(pod: KObject): string {
  return String(((pod['spec'] ?? {}) as { nodeName?: unknown }).nodeName ?? '');
}

/** The kubelet endpoint of `nodeName`, as the API server's node connection getter finds it. */
export async function kubeletLocation(registry: Registry, nodeName: string): Promise<KubeletLocation> {
  const nodes = registry.get('', 'v1', 'nodes');
  if (!nodes) throw new Error('the nodes resource is not registered');
  const node = await nodes.get('', nodeName);
  const status = (node['status'] ?? {}) as {
    addresses?: { type?: string; address?: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
  const addresses = Array.isArray(status.addresses) ? status.addresses : [];
  let host: string | undefined;
  for (const type of PREFERRED) {
    host = addresses.find((a) => a.type === type && a.address)?.address;
    if (host) break;
  }
  if (!host) {
    const known = addresses.map((a) => `{${a.type ?? ''} ${a.address ?? ''}}`).join(' ');
    throw new ApiError(500, '', `no preferred addresses found; known addresses: [${known}]`);
  }
  const port = Number(status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0);
  return { host, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_KUBELET_PORT };
}

/** host:port, with brackets around an IPv6 address. */
export function hostPort(loc: KubeletLocation): string {
  return `${loc.host.includes(':') ? `[${loc.host}]` : loc.host}:${loc.port}`;
}
