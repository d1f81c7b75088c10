/**
 * What the built-in service load balancer decides, as k3s's ServiceLB does: a
 * LoadBalancer Service without a loadBalancerClass (or with ours) gets the InternalIPs
 * of the ready nodes as its ingress (ipMode VIP; the service proxy on every node then
 * accepts ingressIP:port like a NodePort). All such Services share those addresses, so a
 * port and protocol can belong to one of them only: the oldest claims it, and a younger
 * Service that asks for a claimed port stays pending. Pure.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

/** Services with this loadBalancerClass are ours too; any other class is left alone. */
export const LOAD_BALANCER_CLASS = 'k8ts.io/servicelb';
/** Nodes with this label never serve load balancers (an upstream convention). */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface Ingress {
  ip: string;
  ipMode: 'VIP';
}

export interface Conflict {
  port: number;
  protocol: string;
  /** `namespace/name` of the Service holding the port. */
  holder: string;
}

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

const keyOf = (s: KObject) => `${s.metadata?.namespace}/${s.metadata?.name}`;

/** Whether the built-in load balancer serves `svc`. */
export function isManaged(svc: KObject): boolean {
  const spec = obj(svc['spec']);
  const cls = spec['loadBalancerClass'];
  return (
    spec['type'] === 'LoadBalancer' && (cls === undefined || cls === null || cls === LOAD_BALANCER_CLASS)
  );
}

function isReady(node: KObject): boolean {
  return list(obj(node['status'])['conditions']).some((c) => c['type'] === 'Ready' && c['status'] === 'True');
}

/** The InternalIPs of the ready nodes that may serve load balancers, sorted. */
export function nodeAddresses(nodes: KObject[]): string[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    if (!isReady(n) || n.metadata?.labels?.[EXCLUDE_LABEL] !== undefined) continue;
    for (const a of list(obj(n['status'])['addresses']))
      if (a['type'] === 'InternalIP' && typeof a['address'] === 'string') ips.add(a['address']);
  }
  return [...ips].sort();
}

function portsOf(svc: KObject): { port: number; protocol: string }[] {
  return list(obj(svc['spec'])['ports'])
    .filter((p) => typeof p['port'] === 'number')
    .map((p) => ({ port: p['port'] as number, protocol: (p['protocol'] as string | undefined) ?? 'TCP' }));
}

function byAge(a: KObject, b: KObject): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
}

/**
 * Which managed Services get addresses: Service key -> undefined when admitted, or the
 * first port another (older) Service already holds.
 */
export function admit(services: KObject[]): Map<string, Conflict | undefined> {
  const claimed = new Map<string, string>();
  const out = new Map<string, Conflict | undefined>();
  for (const svc of services.filter((s) => isManaged(s) && !s.metadata?.deletionTimestamp).sort(byAge)) {
    const key = keyOf(svc);
    const ports = portsOf(svc);
    const taken = ports.find((p) => claimed.has(`${p.port}/${p.protocol}`));
    if (taken) {
      out.set(key, { ...taken, holder: claimed.get(`${taken.port}/${taken.protocol}`)! });
      continue;
    }
    for (const p of ports) claimed.set(`${p.port}/${p.protocol}`, key);
    out.set(key, undefined);
  }
  return out;
}

/** The status.loadBalancer.ingress a Service should have. */
export function desiredIngress(admitted: boolean, addresses: string[]): Ingress[] {
  return admitted ? addresses.map((ip) => ({ ip, ipMode: 'VIP' })) : [];
}

/** Whether the Service's status.loadBalancer.ingress is exactly `want`. */
export function sameIngress(svc: KObject, want: Ingress[]): boolean {
  const have = list(obj(obj(svc['status'])['loadBalancer'])['ingress']);
  return (
    have.length === want.length &&
    have.every((h, i) => h['ip'] === want[i]?.ip && h['ipMode'] === 'VIP' && h['hostname'] === undefined)
  );
}
