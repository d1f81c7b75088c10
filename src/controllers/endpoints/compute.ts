/**
 * The Endpoints a Service should have, computed from the pods it selects: each pod that
 * belongs in endpoints gives an address (ip, nodeName, targetRef, and hostname under a
 * headless service), ready or not ready by its Ready condition (all ready with
 * publishNotReadyAddresses), for each service port the pod can serve (named targetPorts
 * resolve through its container ports; a pod lacking the name is left out of that port);
 * a headless service without ports gets port-less addresses. Addresses offering the same
 * ports are packed into one subset; everything is sorted, so equal inputs give equal
 * outputs. At most 1000 addresses are kept (the rest are cut and the Endpoints marked
 * over capacity). Pure.
 */
import type { KObject } from '../../registry/types.js';
import {
  findPort,
  isHeadless,
  isPodReady,
  podHostname,
  podIPs,
  type ServicePort,
  servicePorts,
  shouldBeInEndpoints,
  spec,
  targetRef,
} from './pods.js';

type Obj = Record<string, unknown>;

export const MAX_ADDRESSES = 1000;
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: Obj;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface DesiredEndpoints {
  subsets: EndpointSubset[];
  labels: Record<string, string>;
  truncated: boolean;
}

function address(pod: KObject, svc: KObject): EndpointAddress {
  const a: EndpointAddress = { ip: podIPs(pod)[0]! };
  const hostname = podHostname(pod, svc);
  if (hostname) a.hostname = hostname;
  const node = spec(pod)['nodeName'];
  if (typeof node === 'string' && node) a.nodeName = node;
  a.targetRef = targetRef(pod);
  return a;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  return {
    ...(sp.name ? { name: sp.name } : {}),
    port,
    protocol: sp.protocol ?? 'TCP',
    ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
  };
}

const addrKey = (a: EndpointAddress) => `${a.ip}/${String(a.targetRef?.['uid'] ?? '')}`;
const portKey = (p: EndpointPort | undefined) =>
  p ? JSON.stringify([p.name ?? '', p.port, p.protocol, p.appProtocol ?? '']) : '';

function byIP(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : addrKey(a) < addrKey(b) ? -1 : addrKey(a) > addrKey(b) ? 1 : 0;
}

/** Packs (address, ready, port) offers into subsets of addresses sharing the same ports. */
export function repack(
  offers: { addr: EndpointAddress; ready: boolean; port?: EndpointPort }[],
): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port?: EndpointPort; members: Map<string, boolean> }>();
  for (const o of offers) {
    const ak = addrKey(o.addr);
    addrs.set(ak, o.addr);
    const pk = portKey(o.port);
    let entry = byPort.get(pk);
    if (!entry) {
      entry = { ...(o.port ? { port: o.port } : {}), members: new Map() };
      byPort.set(pk, entry);
    }
    // Ready wins when the same address is offered both ways.
    entry.members.set(ak, (entry.members.get(ak) ?? false) || o.ready);
  }
  const groups = new Map<string, { members: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, members } of byPort.values()) {
    const key = JSON.stringify([...members.entries()].sort());
    let g = groups.get(key);
    if (!g) {
      g = { members, ports: [] };
      groups.set(key, g);
    }
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.members) (r ? ready : notReady).push(addrs.get(k)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready.sort(byIP);
    if (notReady.length) s.notReadyAddresses = notReady.sort(byIP);
    if (g.ports.length) s.ports = g.ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    subsets.push(s);
  }
  return subsets.sort((a, b) => {
    const ka = JSON.stringify(a);
    const kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Keeps at most `max` addresses, ready ones first; true when some were cut. */
function truncate(subsets: EndpointSubset[], max: number): boolean {
  let total = 0;
  for (const s of subsets) total += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (total <= max) return false;
  let room = max;
  for (const field of ['addresses', 'notReadyAddresses'] as const) {
    for (const s of subsets) {
      const list = s[field];
      if (!list) continue;
      const keep = list.slice(0, Math.max(0, room));
      room -= keep.length;
      if (keep.length) s[field] = keep;
      else delete s[field];
    }
  }
  for (let i = subsets.length - 1; i >= 0; i--)
    if (!subsets[i]!.addresses && !subsets[i]!.notReadyAddresses) subsets.splice(i, 1);
  return true;
}

/** The Endpoints `svc` should have over `pods` (the pods of its namespace that it selects). */
export function desiredEndpoints(svc: KObject, pods: KObject[], max = MAX_ADDRESSES): DesiredEndpoints {
  const tolerate = spec(svc)['publishNotReadyAddresses'] === true;
  const ports = servicePorts(svc);
  const offers: { addr: EndpointAddress; ready: boolean; port?: EndpointPort }[] = [];
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, tolerate)) continue;
    const addr = address(pod, svc);
    const ready = tolerate || isPodReady(pod);
    if (ports.length === 0) {
      if (isHeadless(svc)) offers.push({ addr, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port !== undefined) offers.push({ addr, ready, port: endpointPort(sp, port) });
    }
  }
  const subsets = repack(offers);
  const truncated = truncate(subsets, max);
  const labels = { ...(svc.metadata?.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return { subsets, labels, truncated };
}
