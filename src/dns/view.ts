/**
 * The cluster as the DNS zone sees it: namespaces, and each Service with its kind
 * (ClusterIP, headless, ExternalName), ports and the endpoint addresses that answer for it
 * (from its EndpointSlices: the ready ones, or all of them when the Service publishes
 * not-ready addresses), plus a reverse index from address to names for PTR. Built from
 * plain API objects; the resolver reads it and never sees API objects. Pure.
 */
import type { KObject } from '../registry/types.js';
import { compressIPv6, isIPv4, parseIPv6 } from './ip.js';
import { canonical } from './names.js';

type Obj = Record<string, unknown>;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface PortInfo {
  name: string;
  port: number;
  /** Lower case: tcp, udp, sctp. */
  protocol: string;
}

/** One endpoint address of a Service. */
export interface EndpointInfo {
  address: string;
  /** The endpoint's hostname, or its address with dashes (10-42-0-5): its DNS label. */
  hostname: string;
  ports: PortInfo[];
}

export type ServiceKind = 'ClusterIP' | 'Headless' | 'ExternalName';

export interface ServiceInfo {
  name: string;
  namespace: string;
  kind: ServiceKind;
  clusterIPs: string[];
  /** The CNAME target of an ExternalName Service (no final dot). */
  externalName: string;
  ports: PortInfo[];
  endpoints: EndpointInfo[];
}

export interface ClusterView {
  /** The cluster domain, lower case, no final dot (cluster.local). */
  zone: string;
  /** The SOA serial: changes when the view does. */
  serial: number;
  namespaces: ReadonlySet<string>;
  /** By `namespace/name`. */
  services: ReadonlyMap<string, ServiceInfo>;
  /** PTR targets by address (canonical text form). */
  reverse: ReadonlyMap<string, string[]>;
  /** Addresses of this server, answered for `ns.dns.<zone>` (the NS of the zone). */
  nameservers: string[];
}

export interface ViewInput {
  zone: string;
  serial: number;
  namespaces: readonly KObject[];
  services: readonly KObject[];
  endpointSlices: readonly KObject[];
  nameservers: string[];
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The DNS label of an endpoint without a hostname: its address with dashes. */
export function dashedAddress(ip: string): string {
  if (!ip.includes(':')) return ip.replace(/\./g, '-');
  const dashed = ip.replace(/:/g, '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

/** An address in canonical text form, or undefined when it is none. */
export function normalizeAddress(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  return parseIPv6(ip) ? compressIPv6(ip) : undefined;
}

export function buildView(input: ViewInput): ClusterView {
  const zone = canonical(input.zone);
  const namespaces = new Set(input.namespaces.map((n) => n.metadata?.name ?? '').filter(Boolean));
  const slicesByService = new Map<string, KObject[]>();
  for (const s of input.endpointSlices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = serviceKey(s.metadata?.namespace ?? '', svc);
    const list = slicesByService.get(key);
    if (list) list.push(s);
    else slicesByService.set(key, [s]);
  }
  const services = new Map<string, ServiceInfo>();
  const reverse = new Map<string, string[]>();
  const endpointNames: [string, string][] = [];
  for (const obj of input.services) {
    const info = serviceInfo(
      obj,
      slicesByService.get(serviceKey(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '')) ?? [],
    );
    if (!info) continue;
    services.set(serviceKey(info.namespace, info.name), info);
    const fqdn = `${info.name}.${info.namespace}.svc.${zone}`;
    if (info.kind === 'ClusterIP') for (const ip of info.clusterIPs) reverse.set(ip, [fqdn]);
    for (const ep of info.endpoints) endpointNames.push([ep.address, `${ep.hostname}.${fqdn}`]);
  }
  // A Service's own address names only the Service; an endpoint address names every
  // Service it serves.
  const serviceIPs = new Set(reverse.keys());
  for (const [ip, name] of endpointNames) {
    if (serviceIPs.has(ip)) continue;
    const list = reverse.get(ip);
    if (!list) reverse.set(ip, [name]);
    else if (!list.includes(name)) list.push(name);
  }
  return { zone, serial: input.serial, namespaces, services, reverse, nameservers: input.nameservers };
}

function serviceInfo(svc: KObject, slices: KObject[]): ServiceInfo | undefined {
  const name = svc.metadata?.name;
  const namespace = svc.metadata?.namespace;
  if (!name || !namespace) return undefined;
  const spec = (svc['spec'] as Obj | undefined) ?? {};
  const ports = ((spec['ports'] as Obj[] | undefined) ?? []).flatMap((p) => port(p));
  if (spec['type'] === 'ExternalName') {
    const target = canonical(String(spec['externalName'] ?? ''));
    return {
      name,
      namespace,
      kind: 'ExternalName',
      clusterIPs: [],
      externalName: target,
      ports,
      endpoints: [],
    };
  }
  const headless = spec['clusterIP'] === 'None';
  const ips = Array.isArray(spec['clusterIPs'])
    ? (spec['clusterIPs'] as unknown[])
    : spec['clusterIP']
      ? [spec['clusterIP']]
      : [];
  const clusterIPs = headless ? [] : ips.flatMap((ip) => normalizeAddress(String(ip)) ?? []);
  const allAddresses = spec['publishNotReadyAddresses'] === true;
  return {
    name,
    namespace,
    kind: headless ? 'Headless' : 'ClusterIP',
    clusterIPs,
    externalName: '',
    ports,
    endpoints: endpoints(slices, allAddresses),
  };
}

function port(p: Obj): PortInfo[] {
  const n = p['port'];
  if (typeof n !== 'number') return [];
  return [{ name: String(p['name'] ?? ''), port: n, protocol: String(p['protocol'] ?? 'TCP').toLowerCase() }];
}

/** The addresses of a Service's slices, one entry per address and hostname, ports merged. */
function endpoints(slices: KObject[], allAddresses: boolean): EndpointInfo[] {
  const byKey = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    const type = slice['addressType'];
    if (type !== 'IPv4' && type !== 'IPv6') continue;
    const ports = ((slice['ports'] as Obj[] | undefined) ?? []).flatMap((p) => port(p));
    for (const ep of (slice['endpoints'] as Obj[] | undefined) ?? []) {
      const ready = (ep['conditions'] as Obj | undefined)?.['ready'];
      // A missing ready condition means ready (discovery.k8s.io/v1).
      if (!allAddresses && ready === false) continue;
      const hostname = typeof ep['hostname'] === 'string' ? canonical(ep['hostname']) : '';
      for (const raw of (ep['addresses'] as unknown[] | undefined) ?? []) {
        const address = normalizeAddress(String(raw));
        if (!address) continue;
        const label = hostname || dashedAddress(address);
        const key = `${address}/${label}`;
        const known = byKey.get(key);
        if (!known) {
          byKey.set(key, { address, hostname: label, ports: [...ports] });
          continue;
        }
        for (const p of ports)
          if (!known.ports.some((k) => k.name === p.name && k.port === p.port && k.protocol === p.protocol))
            known.ports.push(p);
      }
    }
  }
  return [...byKey.values()];
}
