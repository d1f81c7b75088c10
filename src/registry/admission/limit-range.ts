/**
 * LimitRanges: the defaults they give a pod's containers (with the annotation saying what
 * was set) and the min, max and limit/request ratio they enforce on containers, pods and
 * claims, with upstream's messages. A LimitRange item is read with upstream's defaulting
 * (a max is the default limit, a default limit is the default request, a min is the
 * default request). Pure: works on the JSON objects it is handed.
 */
import {
  addLists,
  compare,
  formatQuantity,
  milliValue,
  type Quantity,
  type ResourceList,
  toResourceList,
} from '../../api/quantity/index.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

export interface LimitItem {
  type: string;
  min: ResourceList;
  max: ResourceList;
  default: ResourceList;
  defaultRequest: ResourceList;
  maxLimitRequestRatio: ResourceList;
}

/** The items of a LimitRange, with the defaults the API gives container items. */
export function limitItems(lr: KObject): LimitItem[] {
  const limits = ((lr['spec'] as Obj | undefined)?.['limits'] ?? []) as Obj[];
  if (!Array.isArray(limits)) return [];
  return limits.map((l) => {
    const item: LimitItem = {
      type: String(l['type'] ?? ''),
      min: toResourceList(l['min']),
      max: toResourceList(l['max']),
      default: toResourceList(l['default']),
      defaultRequest: toResourceList(l['defaultRequest']),
      maxLimitRequestRatio: toResourceList(l['maxLimitRequestRatio']),
    };
    if (item.type === 'Container') {
      for (const [k, v] of item.max) if (!item.default.has(k)) item.default.set(k, v);
      for (const [k, v] of item.default) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
      for (const [k, v] of item.min) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
    }
    return item;
  });
}

function containerLists(pod: KObject): { prefix: string; list: Obj[] }[] {
  const spec = (pod['spec'] ?? {}) as Obj;
  const get = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as Obj[]) : []);
  return [
    { prefix: 'container', list: get('containers') },
    { prefix: 'init container', list: get('initContainers') },
  ];
}

function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

/**
 * Gives every container of `pod` the default requests and limits of the container items
 * of `ranges` that it lacks, and records what was set in the `kubernetes.io/limit-ranger`
 * annotation. Mutates `pod`.
 */
export function applyPodDefaults(pod: KObject, ranges: KObject[]): void {
  const notes: string[] = [];
  for (const lr of ranges) {
    const items = limitItems(lr).filter((i) => i.type === 'Container');
    if (items.length === 0) continue;
    const limits: ResourceList = new Map();
    const requests: ResourceList = new Map();
    for (const i of items) {
      for (const [k, v] of i.defaultRequest) requests.set(k, v);
      for (const [k, v] of i.default) limits.set(k, v);
    }
    for (const { prefix, list } of containerLists(pod)) {
      for (const c of list) {
        const res = obj(c, 'resources');
        // The API defaults a missing request to its limit before admission sees the pod.
        const given = obj(res, 'requests');
        for (const [k, v] of Object.entries(obj(res, 'limits'))) if (given[k] === undefined) given[k] = v;
        const setReq = fill(given, requests);
        const setLim = fill(obj(res, 'limits'), limits);
        if (Object.keys(res['requests'] as Obj).length === 0) delete res['requests'];
        if (Object.keys(res['limits'] as Obj).length === 0) delete res['limits'];
        const name = String(c['name'] ?? '');
        if (setReq.length) notes.push(`${setReq.join(', ')} request for ${prefix} ${name}`);
        if (setLim.length) notes.push(`${setLim.join(', ')} limit for ${prefix} ${name}`);
      }
    }
  }
  if (notes.length === 0) return;
  const m = pod.metadata ?? {};
  pod.metadata = m;
  m.annotations = {
    ...(m.annotations ?? {}),
    [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}`,
  };
}

function fill(target: Obj, defaults: ResourceList): string[] {
  const set: string[] = [];
  for (const k of [...defaults.keys()].sort()) {
    if (target[k] !== undefined) continue;
    target[k] = formatQuantity(defaults.get(k)!);
    set.push(k);
  }
  return set;
}

const q = (v: Quantity) => formatQuantity(v);

function minCheck(
  type: string,
  name: string,
  min: Quantity,
  req?: Quantity,
  lim?: Quantity,
): string | undefined {
  if (!req) return `minimum ${name} usage per ${type} is ${q(min)}.  No request is specified`;
  if (compare(req, min) < 0)
    return `minimum ${name} usage per ${type} is ${q(min)}, but request is ${q(req)}`;
  if (lim && compare(lim, min) < 0)
    return `minimum ${name} usage per ${type} is ${q(min)}, but limit is ${q(lim)}`;
  return undefined;
}

function maxCheck(
  type: string,
  name: string,
  max: Quantity,
  req?: Quantity,
  lim?: Quantity,
): string | undefined {
  if (!lim) return `maximum ${name} usage per ${type} is ${q(max)}.  No limit is specified`;
  if (compare(lim, max) > 0) return `maximum ${name} usage per ${type} is ${q(max)}, but limit is ${q(lim)}`;
  if (req && compare(req, max) > 0)
    return `maximum ${name} usage per ${type} is ${q(max)}, but request is ${q(req)}`;
  return undefined;
}

function ratioCheck(
  type: string,
  name: string,
  ratio: Quantity,
  req?: Quantity,
  lim?: Quantity,
): string | undefined {
  const r = q(ratio);
  const reqMilli = req ? milliValue(req) : 0n;
  const limMilli = lim ? milliValue(lim) : 0n;
  if (reqMilli === 0n)
    return `${name} max limit to request ratio per ${type} is ${r}, but no request is specified or request is 0`;
  if (limMilli === 0n)
    return `${name} max limit to request ratio per ${type} is ${r}, but no limit is specified or limit is 0`;
  if (limMilli * 1000n > milliValue(ratio) * reqMilli) {
    const observed = (Number(limMilli) / Number(reqMilli)).toFixed(6);
    return `${name} max limit to request ratio per ${type} is ${r}, but provided ratio is ${observed}`;
  }
  return undefined;
}

/** Checks one item's min, max and ratio against requests and limits (keys in order). */
function checkItem(item: LimitItem, requests: ResourceList, limits: ResourceList): string[] {
  const errs: string[] = [];
  const each = (l: ResourceList, f: (k: string, v: Quantity) => string | undefined) => {
    for (const k of [...l.keys()].sort()) {
      const e = f(k, l.get(k)!);
      if (e) errs.push(e);
    }
  };
  each(item.min, (k, v) => minCheck(item.type, k, v, requests.get(k), limits.get(k)));
  each(item.max, (k, v) => maxCheck(item.type, k, v, requests.get(k), limits.get(k)));
  each(item.maxLimitRequestRatio, (k, v) => ratioCheck(item.type, k, v, requests.get(k), limits.get(k)));
  return errs;
}

function resourcesOf(c: Obj): { requests: ResourceList; limits: ResourceList } {
  const res = (c['resources'] ?? {}) as Obj;
  const limits = toResourceList(res['limits']);
  const requests = toResourceList(res['requests']);
  // A missing request is the limit (the API defaults it so).
  for (const [k, v] of limits) if (!requests.has(k)) requests.set(k, v);
  return { requests, limits };
}

function sum(lists: ResourceList[]): ResourceList {
  return lists.reduce(addLists, new Map());
}

/** The LimitRange violations of a pod, in upstream's words (empty when it complies). */
export function validatePodLimits(pod: KObject, ranges: KObject[]): string[] {
  const errs: string[] = [];
  const groups = containerLists(pod);
  for (const lr of ranges) {
    for (const item of limitItems(lr)) {
      if (item.type === 'Container') {
        for (const { list } of groups)
          for (const c of list) {
            const r = resourcesOf(c);
            errs.push(...checkItem(item, r.requests, r.limits));
          }
      } else if (item.type === 'Pod') {
        const all = groups[0]!.list.map(resourcesOf);
        errs.push(...checkItem(item, sum(all.map((r) => r.requests)), sum(all.map((r) => r.limits))));
      }
    }
  }
  return errs;
}

/** The LimitRange violations of a PersistentVolumeClaim's storage request. */
export function validateClaimLimits(pvc: KObject, ranges: KObject[]): string[] {
  const errs: string[] = [];
  const requests = toResourceList(
    ((pvc['spec'] as Obj | undefined)?.['resources'] as Obj | undefined)?.['requests'],
  );
  for (const lr of ranges) {
    for (const item of limitItems(lr)) {
      if (item.type !== 'PersistentVolumeClaim') continue;
      for (const k of [...item.min.keys()].sort()) {
        const e = minCheck(item.type, k, item.min.get(k)!, requests.get(k));
        if (e) errs.push(e);
      }
      for (const k of [...item.max.keys()].sort()) {
        const max = item.max.get(k)!;
        const req = requests.get(k);
        if (!req) errs.push(`maximum ${k} usage per ${item.type} is ${q(max)}.  No request is specified`);
        else if (compare(req, max) > 0)
          errs.push(`maximum ${k} usage per ${item.type} is ${q(max)}, but request is ${q(req)}`);
      }
    }
  }
  return errs;
}

/** Joins errors as upstream's aggregate prints them: one alone, several in brackets. */
export function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
}
