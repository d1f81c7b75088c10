/**
 * The command-line flags of the cluster DNS server of `k8ts server` (declared as plain
 * objects in the CLI's flag-table shape, so this module does not depend on the CLI), and
 * their translation into ClusterDns options. Bad values throw AddressError. Pure.
 */
import { type HostPort, parseHostPort } from './addresses.js';
import type { ClusterDnsOptions } from './component.js';
import { canonical } from './names.js';

export const dnsFlags = {
  'dns-listen': {
    kind: 'list',
    placeholder: 'HOST:PORT',
    description: 'also serve cluster DNS on this address (port 0 picks a free port, printed in the log)',
  },
  'dns-upstream': {
    kind: 'list',
    placeholder: 'HOST[:PORT]',
    description: 'resolver for names outside the cluster (default: the nameservers of /etc/resolv.conf)',
  },
  'disable-dns': {
    kind: 'boolean',
    description: 'run no cluster DNS server',
  },
} as const;

export interface DnsFlagValues {
  'dns-listen': string[];
  'dns-upstream': string[];
  'disable-dns': boolean;
  'cluster-domain': string;
}

/** The DNS server's settings, or undefined with --disable-dns. `clusterDNS`: the kube-dns Service IPs. */
export function dnsSettings(
  v: DnsFlagValues,
  clusterDNS: string[],
): Omit<ClusterDnsOptions, 'client' | 'log'> | undefined {
  if (v['disable-dns']) return undefined;
  const listen: HostPort[] = v['dns-listen'].map((a) => parseHostPort(a));
  const upstreams = v['dns-upstream'].map((a) => parseHostPort(a, 53));
  const zone = canonical(v['cluster-domain']);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(zone))
    throw new Error(`--cluster-domain "${v['cluster-domain']}" is not a DNS domain`);
  const serviceIP = clusterDNS.find((ip) => !ip.includes(':')) ?? clusterDNS[0];
  if (!serviceIP) throw new Error('no cluster DNS address');
  return { zone, serviceIP, listen, ...(upstreams.length > 0 ? { upstreams } : {}) };
}
