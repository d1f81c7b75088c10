/**
 * The CNI network of one node: a Linux bridge with the node's pod CIDR (host-local IPAM
 * with its own data directory) and portmap for hostPorts. Pods get routes to the cluster
 * and service ranges only, never a default route, so nothing they send can leave the
 * machine through its uplink. Pure: renders the conflist; ./host.ts writes it.
 */

export interface NodeNetwork {
  /** CNI network name, unique per node on a machine. */
  name: string;
  /** Bridge interface name (at most 15 characters). */
  bridge: string;
  /** The node's pod range, e.g. 10.42.0.0/24. */
  podCIDR: string;
  /** Every pod range of the cluster, e.g. 10.42.0.0/16. */
  clusterCIDR: string;
  /** Service ClusterIP range, e.g. 10.43.0.0/16. */
  serviceCIDR: string;
  /** host-local IPAM state. */
  ipamDataDir: string;
}

/** A bridge name for a node: `k8ts` + 8 hex characters of its name. */
export function bridgeName(nodeName: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < nodeName.length; i++) h = Math.imul(h ^ nodeName.charCodeAt(i), 0x01000193) >>> 0;
  return `k8ts${h.toString(16).padStart(8, '0')}`;
}

/** The first usable address of a range: the bridge's (gateway) address. */
export function gatewayOf(cidr: string): string {
  const [ip] = cidr.split('/');
  const parts = (ip ?? '').split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join('.');
}

export function renderConflist(n: NodeNetwork): string {
  const conf = {
    cniVersion: '0.4.0',
    name: n.name,
    plugins: [
      {
        type: 'bridge',
        bridge: n.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: n.ipamDataDir,
          ranges: [[{ subnet: n.podCIDR, gateway: gatewayOf(n.podCIDR) }]],
          routes: [{ dst: n.clusterCIDR }, { dst: n.serviceCIDR }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}
