/**
 * Turns a Service and its discovery.k8s.io/v1 EndpointSlices into the proxy's
 * ServicePorts. Headless and ExternalName Services, Services without an IPv4 ClusterIP,
 * and ports without a number give none. Endpoints come from every IPv4 slice labelled
 * with the Service's name, matched to each Service port by port name and protocol; an
 * address listed twice counts once (a ready copy wins). Pure.
 */
import type { KObject } from '../registry/types.js';
import type { Endpoint, Protocol, ServicePort } from './model.js';

type Obj = Record<string, unknown>;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const DEFAULT_AFFINITY_SECONDS = 10800;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: unknown): s is string {
  const m = typeof s === 'string' ? IPV4.exec(s) : null;
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

/** Orders IPv4 addresses numerically. */
export function compareIPv4(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function protocolOf(p: unknown): Protocol | undefined {
  const s = typeof p === 'string' ? p.toLowerCase() : 'tcp';
  return s === 'tcp' || s === 'udp' || s === 'sctp' ? s : undefined;
}

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

/** The endpoints of the slice port named `portName` with `protocol`, over all slices. */
export function endpointsFor(
  slices: KObject[],
  portName: string,
  protocol: Protocol,
  nodeName: string,
): Endpoint[] {
  const byId = new Map<string, Endpoint>();
  for (const slice of slices) {
    if ((slice['addressType'] ?? 'IPv4') !== 'IPv4') continue;
    const port = list(slice['ports'])
      .map(obj)
      .find((p) => (p['name'] ?? '') === portName && protocolOf(p['protocol']) === protocol);
    const number = num(port?.['port']);
    if (!port || number < 1 || number > 65535) continue;
    for (const raw of list(slice['endpoints'])) {
      const ep = obj(raw);
      const ip = list(ep['addresses'])[0];
      if (!isIPv4(ip)) continue;
      const c = obj(ep['conditions']);
      const ready = c['ready'] !== false;
      const e: Endpoint = {
        ip,
        port: number,
        ready,
        serving: typeof c['serving'] === 'boolean' ? c['serving'] : ready,
        terminating: c['terminating'] === true,
        local: !!nodeName && ep['nodeName'] === nodeName,
      };
      const id = `${ip}:${number}`;
      const prev = byId.get(id);
      if (!prev || (!prev.ready && e.ready)) byId.set(id, e);
    }
  }
  return [...byId.values()].sort((a, b) => compareIPv4(a.ip, b.ip) || a.port - b.port);
}

/** The ServicePorts of `svc` (none for Services the proxy leaves alone). */
export function servicePortsOf(svc: KObject, slices: KObject[], nodeName: string): ServicePort[] {
  const spec = obj(svc['spec']);
  const type = (spec['type'] as string | undefined) ?? 'ClusterIP';
  const clusterIP = spec['clusterIP'];
  if (type === 'ExternalName' || !isIPv4(clusterIP)) return [];
  const namespace = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const externalIPs = list(spec['externalIPs']).filter(isIPv4);
  const loadBalancerIPs =
    type === 'LoadBalancer'
      ? list(obj(obj(svc['status'])['loadBalancer'])['ingress'])
          .map(obj)
          .filter((i) => (i['ipMode'] ?? 'VIP') === 'VIP')
          .map((i) => i['ip'])
          .filter(isIPv4)
      : [];
  const affinitySeconds =
    spec['sessionAffinity'] === 'ClientIP'
      ? num(obj(obj(spec['sessionAffinityConfig'])['clientIP'])['timeoutSeconds']) || DEFAULT_AFFINITY_SECONDS
      : 0;
  const withNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  const out: ServicePort[] = [];
  for (const raw of list(spec['ports'])) {
    const p = obj(raw);
    const protocol = protocolOf(p['protocol']);
    const port = num(p['port']);
    if (!protocol || port < 1 || port > 65535) continue;
    const portName = typeof p['name'] === 'string' ? p['name'] : '';
    const sp: ServicePort = {
      service: `${namespace}/${name}`,
      namespace,
      name,
      portName,
      protocol,
      clusterIP,
      port,
      nodePort: withNodePorts ? num(p['nodePort']) : 0,
      externalIPs,
      loadBalancerIPs,
      affinitySeconds,
      internalLocal: spec['internalTrafficPolicy'] === 'Local',
      externalLocal: false,
      healthCheckNodePort: 0,
      endpoints: endpointsFor(slices, portName, protocol, nodeName),
    };
    const external = sp.nodePort > 0 || externalIPs.length > 0 || loadBalancerIPs.length > 0;
    sp.externalLocal = external && spec['externalTrafficPolicy'] === 'Local';
    if (sp.externalLocal && type === 'LoadBalancer')
      sp.healthCheckNodePort = num(spec['healthCheckNodePort']);
    out.push(sp);
  }
  return out;
}
