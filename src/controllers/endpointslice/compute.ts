/**
 * The EndpointSlices a Service should have and the writes that get there. Each selected
 * pod that belongs in endpoints (terminating ones included) becomes an endpoint of each
 * address family the Service uses: its address of that family, conditions ready (serving
 * and not terminating, or always with publishNotReadyAddresses), serving (the pod is
 * Ready) and terminating, targetRef, nodeName, zone, and hostname under a headless
 * service. Endpoints are grouped by the ports they serve (named targetPorts resolve per
 * pod) into slices of at most `max` (100) endpoints. Reconciling keeps existing slices
 * where it can (updating only those whose endpoints changed, filling their free room
 * before creating new ones), deletes slices left empty, and keeps exactly one empty
 * placeholder slice for a Service with no endpoints. Pure.
 */
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import {
  findPort,
  isHeadless,
  isPodReady,
  podHostname,
  podIPs,
  servicePorts,
  shouldBeInEndpoints,
  spec,
  targetRef,
} from '../endpoints/pods.js';

type Obj = Record<string, unknown>;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const MAX_ENDPOINTS_PER_SLICE = 100;

export type AddressType = 'IPv4' | 'IPv6';

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef?: Obj;
  nodeName?: string;
  zone?: string;
}

/** Endpoints wanted for one set of ports. */
export interface PortGroup {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export function familyOf(ip: string): AddressType {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/** The address types a Service's slices carry (its ipFamilies; IPv4 by default). */
export function addressTypes(svc: KObject): AddressType[] {
  const fams = spec(svc)['ipFamilies'];
  const list = Array.isArray(fams) ? (fams as string[]).filter((f) => f === 'IPv4' || f === 'IPv6') : [];
  return list.length > 0 ? (list as AddressType[]) : ['IPv4'];
}

export function portsKey(ports: SlicePort[]): string {
  return JSON.stringify(
    [...ports]
      .map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? ''])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}

export function endpointKey(ep: SliceEndpoint): string {
  const uid = ep.targetRef?.['uid'];
  return typeof uid === 'string' && uid ? uid : (ep.addresses[0] ?? '');
}

/** The endpoint of `pod` for address type `type`, or undefined when it has none. */
function podEndpoint(
  pod: KObject,
  svc: KObject,
  type: AddressType,
  zones: (node: string) => string | undefined,
) {
  const ip = podIPs(pod).find((a) => familyOf(a) === type);
  if (!ip) return undefined;
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = spec(svc)['publishNotReadyAddresses'] === true || (serving && !terminating);
  const ep: SliceEndpoint = { addresses: [ip], conditions: { ready, serving, terminating } };
  const hostname = podHostname(pod, svc);
  if (hostname) ep.hostname = hostname;
  ep.targetRef = targetRef(pod);
  const node = spec(pod)['nodeName'];
  if (typeof node === 'string' && node) {
    ep.nodeName = node;
    const zone = zones(node);
    if (zone) ep.zone = zone;
  }
  return ep;
}

/** The wanted endpoints of `svc` over `pods` for one address type, grouped by ports. */
export function desiredGroups(
  svc: KObject,
  pods: KObject[],
  type: AddressType,
  zones: (node: string) => string | undefined = () => undefined,
): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  const svcPorts = servicePorts(svc);
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, true)) continue;
    const ep = podEndpoint(pod, svc, type, zones);
    if (!ep) continue;
    const ports: SlicePort[] = [];
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({
        name: sp.name ?? '',
        port,
        protocol: sp.protocol ?? 'TCP',
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) {
      g = { ports, endpoints: [] };
      groups.set(key, g);
    }
    g.endpoints.push(ep);
  }
  return groups;
}

/** The labels every slice of `svc` carries. */
export function sliceLabels(svc: KObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL) continue;
    labels[k] = v;
  }
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

export interface SlicePlan {
  create: KObject[];
  update: KObject[];
  delete: KObject[];
}

function slicePorts(slice: KObject): SlicePort[] {
  const p = slice['ports'];
  return Array.isArray(p) ? (p as SlicePort[]) : [];
}

function sliceEndpoints(slice: KObject): SliceEndpoint[] {
  const e = slice['endpoints'];
  return Array.isArray(e) ? (e as SliceEndpoint[]) : [];
}

function newSlice(svc: KObject, type: AddressType, ports: SlicePort[], endpoints: SliceEndpoint[]): KObject {
  const m = svc.metadata ?? {};
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${m.name}-`,
      namespace: m.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: m.name!,
          uid: m.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: type,
    endpoints,
    ports,
  };
}

function withContent(slice: KObject, svc: KObject, endpoints: SliceEndpoint[], ports?: SlicePort[]): KObject {
  const s = structuredClone(slice);
  s.metadata!.labels = { ...(s.metadata?.labels ?? {}), ...sliceLabels(svc) };
  s['endpoints'] = endpoints;
  if (ports) s['ports'] = ports;
  return s;
}

const labelsDiffer = (slice: KObject, svc: KObject) =>
  Object.entries(sliceLabels(svc)).some(([k, v]) => slice.metadata?.labels?.[k] !== v);

/**
 * The writes that turn `existing` (this controller's slices of `svc` for address type
 * `type`) into `desired`, keeping at most `max` endpoints per slice.
 */
export function planSlices(
  svc: KObject,
  type: AddressType,
  desired: Map<string, PortGroup>,
  existing: KObject[],
  max = MAX_ENDPOINTS_PER_SLICE,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const total = [...desired.values()].reduce((n, g) => n + g.endpoints.length, 0);
  if (total === 0) {
    // One empty placeholder says the Service has been seen and has no endpoints.
    const keep = existing.find((s) => sliceEndpoints(s).length === 0 && slicePorts(s).length === 0);
    for (const s of existing) if (s !== keep) plan.delete.push(s);
    if (!keep) plan.create.push(newSlice(svc, type, [], []));
    else if (labelsDiffer(keep, svc)) plan.update.push(withContent(keep, svc, []));
    return plan;
  }
  const byPorts = new Map<string, KObject[]>();
  for (const s of existing) {
    const k = portsKey(slicePorts(s));
    if (!desired.has(k) || sliceEndpoints(s).length === 0) {
      plan.delete.push(s);
      continue;
    }
    byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
  }
  for (const [k, group] of desired) {
    const wanted = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const changed: { slice: KObject; endpoints: SliceEndpoint[] }[] = [];
    const unchanged: { slice: KObject; endpoints: SliceEndpoint[] }[] = [];
    for (const slice of byPorts.get(k) ?? []) {
      const kept: SliceEndpoint[] = [];
      let dirty = labelsDiffer(slice, svc);
      for (const ep of sliceEndpoints(slice)) {
        const want = wanted.get(endpointKey(ep));
        if (!want) {
          dirty = true;
          continue;
        }
        wanted.delete(endpointKey(ep));
        if (!deepEqual(want, ep)) dirty = true;
        kept.push(want);
      }
      if (kept.length === 0) plan.delete.push(slice);
      else (dirty ? changed : unchanged).push({ slice, endpoints: kept });
    }
    const rest = [...wanted.values()];
    // New endpoints go first into slices being rewritten anyway, then into other slices with room.
    for (const c of [...changed, ...unchanged]) {
      if (rest.length === 0) break;
      const room = max - c.endpoints.length;
      if (room <= 0) continue;
      c.endpoints.push(...rest.splice(0, room));
      if (unchanged.includes(c)) {
        unchanged.splice(unchanged.indexOf(c), 1);
        changed.push(c);
      }
    }
    for (const c of changed) plan.update.push(withContent(c.slice, svc, c.endpoints, group.ports));
    while (rest.length > 0) plan.create.push(newSlice(svc, type, group.ports, rest.splice(0, max)));
  }
  return plan;
}
