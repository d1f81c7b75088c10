/**
 * The API objects that make the DNS server reachable as `kube-dns` in kube-system, laid
 * out like k3s's CoreDNS: the Service (no selector; ClusterIP = the cluster DNS address;
 * ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP), one EndpointSlice per server
 * that serves it (managed by dns.k8ts.io) and the legacy Endpoints listing every server's
 * address. Only the DNS ports go into the endpoints: nothing serves metrics yet. Pure.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KObject } from '../registry/types.js';

type Obj = Record<string, unknown>;

export const KUBE_DNS = 'kube-dns';
export const KUBE_SYSTEM = 'kube-system';
/** The slice manager (the value must be a valid label value, so no slash). */
export const MANAGED_BY = 'dns.k8ts.io';
export const DNS_PORT = 53;

const LABELS = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/cluster-service': 'true',
  'kubernetes.io/name': 'CoreDNS',
};

const ENDPOINT_PORTS = [
  { name: 'dns', port: DNS_PORT, protocol: 'UDP' },
  { name: 'dns-tcp', port: DNS_PORT, protocol: 'TCP' },
];

export function kubeDnsService(clusterIP: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: KUBE_DNS,
      namespace: KUBE_SYSTEM,
      labels: { ...LABELS },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'dns', port: DNS_PORT, protocol: 'UDP', targetPort: DNS_PORT },
        { name: 'dns-tcp', port: DNS_PORT, protocol: 'TCP', targetPort: DNS_PORT },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}

/** The name of one server's slice: `kube-dns-<node>`, within the 253-character limit. */
export function sliceName(nodeName: string): string {
  return `${KUBE_DNS}-${nodeName}`.slice(0, 253).replace(/[-.]+$/, '');
}

function ownerRef(svc: KObject): OwnerReference[] {
  const uid = svc.metadata?.uid;
  return uid
    ? [{ apiVersion: 'v1', kind: 'Service', name: KUBE_DNS, uid, controller: true, blockOwnerDeletion: true }]
    : [];
}

/** This server's EndpointSlice: its address, ready, on its node. */
export function kubeDnsSlice(svc: KObject, nodeName: string, address: string): KObject {
  const owners = ownerRef(svc);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(nodeName),
      namespace: KUBE_SYSTEM,
      labels: {
        ...LABELS,
        'kubernetes.io/service-name': KUBE_DNS,
        'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
      },
      ...(owners.length > 0 ? { ownerReferences: owners } : {}),
    },
    addressType: address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [
      {
        addresses: [address],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName,
      },
    ],
    ports: ENDPOINT_PORTS.map((p) => ({ ...p })),
  };
}

/**
 * The kube-dns Endpoints with this server's address set (or removed when `address` is
 * undefined), keeping the addresses other servers put there.
 */
export function kubeDnsEndpoints(existing: KObject | undefined, nodeName: string, address?: string): KObject {
  const addresses: Obj[] = [];
  for (const subset of (existing?.['subsets'] as Obj[] | undefined) ?? [])
    for (const a of (subset['addresses'] as Obj[] | undefined) ?? [])
      if (a['nodeName'] !== nodeName && !addresses.some((b) => b['ip'] === a['ip'])) addresses.push(a);
  if (address) addresses.push({ ip: address, nodeName });
  addresses.sort((a, b) => String(a['ip']).localeCompare(String(b['ip'])));
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      ...(existing?.metadata ?? {}),
      name: KUBE_DNS,
      namespace: KUBE_SYSTEM,
      labels: { ...(existing?.metadata?.labels ?? {}), ...LABELS },
    },
    subsets: addresses.length > 0 ? [{ addresses, ports: ENDPOINT_PORTS.map((p) => ({ ...p })) }] : [],
  };
}
