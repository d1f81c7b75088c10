/**
 * How Services select pods, as both endpoint controllers read them: which Services
 * manage their endpoints (a selector, not ExternalName), whether a pod is ready, whether
 * it belongs in endpoints at all (it has an IP, it is not finished for good, and not
 * terminating unless terminating pods are wanted), which port a service port reaches on
 * a pod (a named targetPort resolves through the pod's container ports), and the
 * hostname a pod gets under a headless service. Pure.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

export function spec(o: KObject): Obj {
  return (o['spec'] ?? {}) as Obj;
}

function status(o: KObject): Obj {
  return (o['status'] ?? {}) as Obj;
}

/** The selector of a Service that this controller manages endpoints for, else undefined. */
export function serviceSelector(svc: KObject): Record<string, string> | undefined {
  const s = spec(svc);
  if (s['type'] === 'ExternalName') return undefined;
  const sel = s['selector'];
  if (!sel || typeof sel !== 'object') return undefined;
  return sel as Record<string, string>;
}

export function selects(selector: Record<string, string>, pod: KObject): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function isHeadless(svc: KObject): boolean {
  return spec(svc)['clusterIP'] === 'None';
}

export function servicePorts(svc: KObject): ServicePort[] {
  const p = spec(svc)['ports'];
  return Array.isArray(p) ? (p as ServicePort[]) : [];
}

export function isPodReady(pod: KObject): boolean {
  const conds = status(pod)['conditions'];
  return Array.isArray(conds) && conds.some((c: Obj) => c['type'] === 'Ready' && c['status'] === 'True');
}

/** The pod's IPs (podIPs, else podIP). */
export function podIPs(pod: KObject): string[] {
  const st = status(pod);
  const list = Array.isArray(st['podIPs'])
    ? (st['podIPs'] as Obj[]).map((p) => String(p['ip'] ?? '')).filter((ip) => ip !== '')
    : [];
  if (list.length > 0) return list;
  return typeof st['podIP'] === 'string' && st['podIP'] ? [st['podIP']] : [];
}

/**
 * Whether a pod has a place in endpoints: it has an IP, it will not run again (Succeeded,
 * or Failed under a restart policy that gives up), and it is not terminating unless
 * `includeTerminating`.
 */
export function shouldBeInEndpoints(pod: KObject, includeTerminating: boolean): boolean {
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  const phase = status(pod)['phase'];
  const restart = spec(pod)['restartPolicy'];
  if (restart === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (restart === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/**
 * The port a service port reaches on `pod`: a number as is (absent: the service port),
 * a name through the containers' ports of the same protocol; undefined when no container
 * port has that name.
 */
export function findPort(pod: KObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  const containers = spec(pod)['containers'];
  for (const c of Array.isArray(containers) ? (containers as Obj[]) : []) {
    const ports = c['ports'];
    for (const p of Array.isArray(ports) ? (ports as Obj[]) : []) {
      if (p['name'] === target && (p['protocol'] ?? 'TCP') === protocol) return Number(p['containerPort']);
    }
  }
  return undefined;
}

/** The DNS hostname a pod has under a service: its hostname, when its subdomain is the service. */
export function podHostname(pod: KObject, svc: KObject): string | undefined {
  const s = spec(pod);
  const hostname = s['hostname'];
  if (typeof hostname !== 'string' || !hostname) return undefined;
  if (s['subdomain'] !== svc.metadata?.name || pod.metadata?.namespace !== svc.metadata?.namespace)
    return undefined;
  return hostname;
}

/** The pod as an endpoint's targetRef. */
export function targetRef(pod: KObject): Obj {
  const m = pod.metadata ?? {};
  return { kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid };
}

/** Whether a pod's change can change endpoints (labels, IPs, readiness, deletion, node, hostname). */
export function podChangeMatters(old: KObject, pod: KObject): boolean {
  const view = (p: KObject) =>
    JSON.stringify([
      p.metadata?.labels ?? {},
      podIPs(p),
      isPodReady(p),
      !!p.metadata?.deletionTimestamp,
      status(p)['phase'],
      spec(p)['nodeName'],
      spec(p)['hostname'],
      spec(p)['subdomain'],
    ]);
  return view(old) !== view(pod);
}
