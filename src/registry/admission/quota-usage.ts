/**
 * Quota accounting: what one object charges against a ResourceQuota (pods, their cpu,
 * memory and ephemeral-storage requests and limits, services and their load balancers and
 * node ports, claims and their storage, object counts as `count/<resource>[.<group>]`),
 * and the check of a charge against a quota's hard limits with upstream's messages.
 * Shared by the quota admission and the quota controller. Pure; the clock is a parameter.
 */
import {
  add,
  addLists,
  compare,
  prettyList,
  type Quantity,
  quantityOf,
  type ResourceList,
  toResourceList,
  zero,
} from '../../api/quantity/index.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

/** Resources counted in plain names (as well as `count/<plural>`), by plural. */
const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

/** Compute resources whose requests and limits a pod is charged for. */
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** `count/pods`, `count/deployments.apps`. */
export function countName(plural: string, group: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

/** Whether a pod still uses quota: not finished, and not stuck past its deletion grace. */
export function podCharged(pod: KObject, now: number): boolean {
  const phase = (pod['status'] as Obj | undefined)?.['phase'];
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const m = pod.metadata ?? {};
  if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined) {
    const end = Date.parse(m.deletionTimestamp) + m.deletionGracePeriodSeconds * 1000;
    if (now > end) return false;
  }
  return true;
}

function containers(spec: Obj | undefined, list: string): Obj[] {
  const cs = spec?.[list];
  return Array.isArray(cs) ? (cs as Obj[]) : [];
}

/** requests and limits of one container; a missing request takes the limit (pod defaulting). */
function containerResources(c: Obj): { requests: ResourceList; limits: ResourceList } {
  const res = (c['resources'] ?? {}) as Obj;
  const limits = toResourceList(res['limits']);
  const requests = toResourceList(res['requests']);
  for (const [k, v] of limits) if (!requests.has(k)) requests.set(k, v);
  return { requests, limits };
}

function maxList(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    if (!cur || compare(v, cur) > 0) out.set(k, v);
  }
  return out;
}

/** A pod's effective requests and limits: the sum of its containers, at least any init container. */
export function podResources(pod: KObject): { requests: ResourceList; limits: ResourceList } {
  const spec = pod['spec'] as Obj | undefined;
  let requests: ResourceList = new Map();
  let limits: ResourceList = new Map();
  for (const c of containers(spec, 'containers')) {
    const r = containerResources(c);
    requests = addLists(requests, r.requests);
    limits = addLists(limits, r.limits);
  }
  for (const c of containers(spec, 'initContainers')) {
    const r = containerResources(c);
    requests = maxList(requests, r.requests);
    limits = maxList(limits, r.limits);
  }
  const overhead = toResourceList(spec?.['overhead']);
  if (overhead.size > 0) {
    requests = addLists(requests, overhead);
    limits = addLists(limits, overhead);
  }
  return { requests, limits };
}

function podUsage(pod: KObject, now: number): ResourceList {
  const out: ResourceList = new Map();
  if (!podCharged(pod, now)) return out;
  out.set('pods', quantityOf(1));
  out.set('count/pods', quantityOf(1));
  const { requests, limits } = podResources(pod);
  for (const [k, v] of requests) {
    if (COMPUTE.includes(k)) out.set(k, v);
    out.set(`requests.${k}`, v);
  }
  for (const [k, v] of limits) out.set(`limits.${k}`, v);
  return out;
}

function serviceUsage(svc: KObject): ResourceList {
  const spec = (svc['spec'] ?? {}) as Obj;
  const ports = Array.isArray(spec['ports']) ? (spec['ports'] as Obj[]) : [];
  const nodePorts =
    spec['type'] === 'NodePort'
      ? ports.length
      : spec['type'] === 'LoadBalancer'
        ? spec['allocateLoadBalancerNodePorts'] === false
          ? ports.filter((p) => p['nodePort']).length
          : ports.length
        : 0;
  return new Map([
    ['services', quantityOf(1)],
    ['count/services', quantityOf(1)],
    ['services.loadbalancers', quantityOf(spec['type'] === 'LoadBalancer' ? 1 : 0)],
    ['services.nodeports', quantityOf(nodePorts)],
  ]);
}

function claimUsage(pvc: KObject): ResourceList {
  const out: ResourceList = new Map([
    ['persistentvolumeclaims', quantityOf(1)],
    ['count/persistentvolumeclaims', quantityOf(1)],
  ]);
  const spec = (pvc['spec'] ?? {}) as Obj;
  const requested = toResourceList((spec['resources'] as Obj | undefined)?.['requests']).get('storage');
  const allocated = toResourceList((pvc['status'] as Obj | undefined)?.['allocatedResources']).get('storage');
  const storage: Quantity | undefined =
    requested && allocated
      ? compare(allocated, requested) > 0
        ? allocated
        : requested
      : (requested ?? allocated);
  if (storage) out.set('requests.storage', storage);
  return out;
}

/**
 * What `obj` (of resource `plural` in `group`) charges against quota at time `now`. A pod
 * that no longer uses quota (finished) charges nothing.
 */
export function usageOf(plural: string, group: string, obj: KObject, now: number): ResourceList {
  if (group === '') {
    if (plural === 'pods') return podUsage(obj, now);
    if (plural === 'services') return serviceUsage(obj);
    if (plural === 'persistentvolumeclaims') return claimUsage(obj);
    const legacy = LEGACY_COUNTS[plural];
    if (legacy) {
      return new Map([
        [legacy, quantityOf(1)],
        [countName(plural, group), quantityOf(1)],
      ]);
    }
  }
  return new Map([[countName(plural, group), quantityOf(1)]]);
}

/** Resource names a quota can track for objects of `plural`/`group` (to know what to recount). */
export function tracks(name: string, plural: string, group: string): boolean {
  if (name === countName(plural, group)) return true;
  if (group !== '') return false;
  switch (plural) {
    case 'pods':
      return (
        name === 'pods' ||
        COMPUTE.includes(name) ||
        name.startsWith('requests.') ||
        name.startsWith('limits.')
      );
    case 'services':
      return name === 'services' || name === 'services.loadbalancers' || name === 'services.nodeports';
    case 'persistentvolumeclaims':
      return name === 'persistentvolumeclaims' || name === 'requests.storage';
    default:
      return LEGACY_COUNTS[plural] === name;
  }
}

const MUST_SPECIFY = new Set([
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
]);

/**
 * A pod must state each cpu or memory request or limit a quota constrains, in every
 * container: `must specify limits.cpu for: app; requests.memory for: app,side`, or
 * undefined when it does.
 */
export function podConstraintError(pod: KObject, hard: Iterable<string>): string | undefined {
  const required = [...hard].filter((h) => MUST_SPECIFY.has(h));
  if (required.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = pod['spec'] as Obj | undefined;
  for (const c of [...containers(spec, 'containers'), ...containers(spec, 'initContainers')]) {
    const res = (c['resources'] ?? {}) as Obj;
    const requests = toResourceList(res['requests']);
    const limits = toResourceList(res['limits']);
    const has = new Set<string>();
    for (const k of requests.keys()) has.add(k).add(`requests.${k}`);
    for (const k of limits.keys()) has.add(`limits.${k}`);
    for (const r of required) {
      if (has.has(r)) continue;
      let names = missing.get(r);
      if (!names) {
        names = new Set();
        missing.set(r, names);
      }
      names.add(String(c['name'] ?? ''));
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

export interface QuotaCheck {
  /** The quota's usage after the charge (only resources the quota limits). */
  used: ResourceList;
  /** Set when the charge exceeds a hard limit: upstream's message, without the object prefix. */
  exceeded?: string;
}

/**
 * Charges `delta` against a quota with `hard` limits and current `used`: only resources the
 * quota limits count; exceeding any fails with `exceeded quota: NAME, requested: ..., used:
 * ..., limited: ...` naming just the exceeded resources.
 */
export function charge(
  name: string,
  hard: ResourceList,
  used: ResourceList,
  delta: ResourceList,
): QuotaCheck {
  const requested: ResourceList = new Map();
  for (const [k, v] of delta) if (hard.has(k)) requested.set(k, v);
  const next: ResourceList = new Map(used);
  const exceeded: string[] = [];
  for (const [k, v] of requested) {
    const total = add(used.get(k) ?? zero(v.format), v);
    next.set(k, total);
    if (compare(total, hard.get(k)!) > 0) exceeded.push(k);
  }
  if (exceeded.length === 0) return { used: next };
  const pick = (l: ResourceList) => new Map(exceeded.filter((k) => l.has(k)).map((k) => [k, l.get(k)!]));
  return {
    used,
    exceeded: `exceeded quota: ${name}, requested: ${prettyList(pick(requested))}, used: ${prettyList(
      pick(used),
    )}, limited: ${prettyList(pick(hard))}`,
  };
}

interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

function scopeRequirements(quota: KObject): ScopeRequirement[] {
  const s = (quota['spec'] ?? {}) as Obj;
  const out: ScopeRequirement[] = [];
  for (const name of Array.isArray(s['scopes']) ? (s['scopes'] as string[]) : [])
    out.push({ scopeName: name, operator: 'Exists' });
  const sel = (s['scopeSelector'] as Obj | undefined)?.['matchExpressions'];
  if (Array.isArray(sel)) out.push(...(sel as ScopeRequirement[]));
  return out;
}

function podScopeMatches(r: ScopeRequirement, pod: KObject): boolean {
  const spec = (pod['spec'] ?? {}) as Obj;
  const bestEffort = (() => {
    for (const c of [...containers(spec, 'containers'), ...containers(spec, 'initContainers')]) {
      const res = (c['resources'] ?? {}) as Obj;
      if (toResourceList(res['requests']).size > 0 || toResourceList(res['limits']).size > 0) return false;
    }
    return true;
  })();
  switch (r.scopeName) {
    case 'Terminating':
      return spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null;
    case 'NotTerminating':
      return spec['activeDeadlineSeconds'] === undefined || spec['activeDeadlineSeconds'] === null;
    case 'BestEffort':
      return bestEffort;
    case 'NotBestEffort':
      return !bestEffort;
    case 'PriorityClass': {
      const pc = spec['priorityClassName'];
      const has = typeof pc === 'string' && pc !== '';
      if (r.operator === 'Exists') return has;
      if (r.operator === 'DoesNotExist') return !has;
      const inValues = has && (r.values ?? []).includes(pc as string);
      return r.operator === 'NotIn' ? !inValues : inValues;
    }
    default:
      return false;
  }
}

/**
 * Whether a quota's scopes (spec.scopes and spec.scopeSelector: Terminating,
 * NotTerminating, BestEffort, NotBestEffort, PriorityClass) let it count `obj`. A quota
 * without scopes counts everything; a scoped quota counts only pods that match every scope.
 */
export function quotaCovers(quota: KObject, plural: string, group: string, obj: KObject): boolean {
  const reqs = scopeRequirements(quota);
  if (reqs.length === 0) return true;
  if (group !== '' || plural !== 'pods') return false;
  return reqs.every((r) => {
    const m = podScopeMatches(
      { ...r, operator: r.scopeName === 'PriorityClass' ? r.operator : 'Exists' },
      obj,
    );
    return r.scopeName !== 'PriorityClass' && r.operator === 'DoesNotExist' ? !m : m;
  });
}
