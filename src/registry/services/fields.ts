/**
 * Reading the address fields of a Service (type, clusterIP/clusterIPs, ports' nodePorts,
 * healthCheckNodePort) and the type rules upstream applies to them: which types get a
 * ClusterIP, NodePorts, a health-check NodePort. Pure: reads objects, never writes them.
 */
import type { KObject } from '../types.js';

export type Obj = Record<string, unknown>;

export function specOf(svc: KObject): Obj {
  const spec = svc['spec'];
  return spec && typeof spec === 'object' ? (spec as Obj) : {};
}

export function typeOf(svc: KObject): string {
  const t = specOf(svc)['type'];
  return typeof t === 'string' ? t : 'ClusterIP';
}

export function clusterIPOf(svc: KObject): string {
  const ip = specOf(svc)['clusterIP'];
  return typeof ip === 'string' ? ip : '';
}

/** spec.clusterIPs as a list of strings ([] when absent). */
export function clusterIPsOf(svc: KObject): string[] {
  const ips = specOf(svc)['clusterIPs'];
  return Array.isArray(ips) ? ips.map((ip) => (typeof ip === 'string' ? ip : String(ip))) : [];
}

export function portsOf(svc: KObject): Obj[] {
  const ports = specOf(svc)['ports'];
  return Array.isArray(ports) ? ports.filter((p): p is Obj => !!p && typeof p === 'object') : [];
}

/** A number field that is a positive integer, else 0 (absent, 0, or not a number). */
export function portNumber(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

export function healthCheckNodePortOf(svc: KObject): number {
  return portNumber(specOf(svc)['healthCheckNodePort']);
}

export const needsClusterIP = (svc: KObject): boolean => typeOf(svc) !== 'ExternalName';

export function needsNodePort(svc: KObject): boolean {
  const t = typeOf(svc);
  return t === 'NodePort' || t === 'LoadBalancer';
}

/** LoadBalancer with externalTrafficPolicy Local: kube-proxy answers health checks on a NodePort. */
export const needsHealthCheck = (svc: KObject): boolean =>
  typeOf(svc) === 'LoadBalancer' && specOf(svc)['externalTrafficPolicy'] === 'Local';

/** Ports without a nodePort get one (LoadBalancers unless allocateLoadBalancerNodePorts is false). */
export function shouldAllocateNodePorts(svc: KObject): boolean {
  const t = typeOf(svc);
  if (t === 'NodePort') return true;
  return t === 'LoadBalancer' && specOf(svc)['allocateLoadBalancerNodePorts'] !== false;
}

/** NodePort, LoadBalancer, or ClusterIP with external IPs. */
export function externallyAccessible(svc: KObject): boolean {
  const ext = specOf(svc)['externalIPs'];
  return needsNodePort(svc) || (typeOf(svc) === 'ClusterIP' && Array.isArray(ext) && ext.length > 0);
}

export function isHeadless(svc: KObject): boolean {
  const ips = clusterIPsOf(svc);
  return ips.length === 1 && ips[0] === 'None';
}

/** What a stored Service occupies: its ClusterIPs and its NodePorts (health check included). */
export interface Holdings {
  ips: string[];
  ports: number[];
}

export function holdingsOf(svc: KObject): Holdings {
  const listed = clusterIPsOf(svc);
  const ips = (listed.length > 0 ? listed : [clusterIPOf(svc)]).filter((ip) => ip !== '' && ip !== 'None');
  const ports = new Set<number>();
  for (const p of portsOf(svc)) {
    const np = portNumber(p['nodePort']);
    if (np) ports.add(np);
  }
  const hc = healthCheckNodePortOf(svc);
  if (hc) ports.add(hc);
  return { ips: [...new Set(ips)], ports: [...ports] };
}
