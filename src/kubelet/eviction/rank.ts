/**
 * Which pod to evict first, as upstream ranks them. Memory: pods using more than they
 * request first (pods without statistics before all), then lower priority, then larger
 * usage above the request. Disk: the same with ephemeral storage (or inodes). PIDs:
 * lower priority, then more processes. Static, mirror and system-critical pods (priority
 * >= 2000000000) are never candidates. Pure.
 */
import { unitValueOf as value } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';
import type { Starved } from './signals.js';

type Obj = Record<string, unknown>;

export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

/** What the runtime says one pod uses. */
export interface PodUsage {
  containers: { name: string; memoryWorkingSetBytes?: number; rootfsBytes?: number; rootfsInodes?: number }[];
  /** Bytes and inodes of the pod's logs and local volumes. */
  localBytes?: number;
  localInodes?: number;
  processes?: number;
}

export type UsageOf = (pod: KObject) => PodUsage | undefined;

function spec(pod: KObject): Obj {
  return (pod['spec'] as Obj | undefined) ?? {};
}

export function podPriority(pod: KObject): number {
  const p = spec(pod)['priority'];
  return typeof p === 'number' ? p : 0;
}

/** Static and mirror pods and system-critical pods are never evicted. */
export function isCritical(pod: KObject): boolean {
  const ann = pod.metadata?.annotations ?? {};
  if (ann['kubernetes.io/config.mirror'] !== undefined) return true;
  const source = ann['kubernetes.io/config.source'];
  if (source !== undefined && source !== 'api') return true;
  return podPriority(pod) >= SYSTEM_CRITICAL_PRIORITY;
}

function containerRequest(c: Obj, resource: string): number {
  return value(((c['resources'] as Obj | undefined)?.['requests'] as Obj | undefined)?.[resource]);
}

/** The pod's request of a resource: the larger of its containers' sum and any init container, plus overhead. */
export function podRequest(pod: KObject, resource: string): number {
  const s = spec(pod);
  const sum = ((s['containers'] as Obj[] | undefined) ?? []).reduce(
    (n, c) => n + containerRequest(c, resource),
    0,
  );
  const init = ((s['initContainers'] as Obj[] | undefined) ?? []).reduce(
    (n, c) => Math.max(n, containerRequest(c, resource)),
    0,
  );
  return Math.max(sum, init) + value((s['overhead'] as Obj | undefined)?.[resource]);
}

/** The pod's use of a starved resource, or undefined without statistics. */
export function podUse(u: PodUsage | undefined, r: Starved): number | undefined {
  if (!u) return undefined;
  const sum = (f: (c: PodUsage['containers'][number]) => number | undefined) =>
    u.containers.reduce((n, c) => n + (f(c) ?? 0), 0);
  switch (r) {
    case 'memory':
      return sum((c) => c.memoryWorkingSetBytes);
    case 'ephemeral-storage':
      return sum((c) => c.rootfsBytes) + (u.localBytes ?? 0);
    case 'inodes':
      return sum((c) => c.rootfsInodes) + (u.localInodes ?? 0);
    case 'pids':
      return u.processes ?? 0;
  }
}

type Cmp = (a: KObject, b: KObject) => number;

/** true before false. */
function cmpBool(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

/** What the pod requests of a starved resource (nothing for inodes and pids). */
function requestOf(pod: KObject, r: Starved): number {
  return r === 'memory' || r === 'ephemeral-storage' ? podRequest(pod, r) : 0;
}

function exceedsRequests(usage: UsageOf, r: Starved): Cmp {
  return (a, b) => {
    const ua = podUse(usage(a), r);
    const ub = podUse(usage(b), r);
    if (ua === undefined || ub === undefined) return cmpBool(ua === undefined, ub === undefined);
    return cmpBool(ua > requestOf(a, r), ub > requestOf(b, r));
  };
}

const byPriority: Cmp = (a, b) => podPriority(a) - podPriority(b);

function aboveRequests(usage: UsageOf, r: Starved): Cmp {
  return (a, b) => {
    const ua = podUse(usage(a), r);
    const ub = podUse(usage(b), r);
    if (ua === undefined || ub === undefined) return cmpBool(ua === undefined, ub === undefined);
    return ub - requestOf(b, r) - (ua - requestOf(a, r));
  };
}

function orderedBy(...cmps: Cmp[]): Cmp {
  return (a, b) => {
    for (const c of cmps) {
      const d = c(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };
}

/** The candidates in eviction order for a starved resource. */
export function rankPods(pods: readonly KObject[], r: Starved, usage: UsageOf): KObject[] {
  const candidates = pods.filter((p) => !isCritical(p));
  const cmp =
    r === 'pids'
      ? orderedBy(byPriority, aboveRequests(usage, r))
      : orderedBy(exceedsRequests(usage, r), byPriority, aboveRequests(usage, r));
  return candidates.sort(cmp);
}
