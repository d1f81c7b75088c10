/**
 * The downward API's resourceFieldRef: a container's CPU, memory, ephemeral-storage or
 * hugepages request or limit as text, divided by the divisor and rounded up, as the
 * kubelet computes it; limits the container leaves unset default to the node's
 * allocatable. Pure: quantities in, text out.
 */
import { milliValueOf, unitValueOf } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

/** The node's allocatable resources (defaults for unset limits). */
export interface Allocatable {
  cpu: string;
  memory: string;
  'ephemeral-storage'?: string;
}

const DEFAULTED = ['cpu', 'memory', 'ephemeral-storage'] as const;

function containersOf(pod: KObject): Obj[] {
  const spec = (pod['spec'] ?? {}) as Obj;
  const list = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as Obj[]) : []);
  return [...list('containers'), ...list('initContainers')];
}

/** The container's limits with unset (or zero) cpu, memory and ephemeral-storage taken from `alloc`. */
export function defaultedLimits(container: Obj, alloc: Allocatable): Obj {
  const resources = (container['resources'] ?? {}) as Obj;
  const limits: Obj = { ...((resources['limits'] ?? {}) as Obj) };
  for (const name of DEFAULTED) {
    const set = limits[name];
    const fallback = alloc[name];
    if ((set === undefined || set === null || unitValueOf(set) === 0) && fallback !== undefined)
      limits[name] = fallback;
  }
  for (const [k, v] of Object.entries(alloc)) {
    if (k.startsWith('hugepages-') && limits[k] === undefined) limits[k] = v;
  }
  return limits;
}

/**
 * The value of `ref` ({resource, divisor, containerName}) for `container`, or for the
 * container named by ref.containerName in `pod` when given. Throws upstream's errors.
 */
export function resourceFieldValue(
  pod: KObject,
  container: Obj | undefined,
  ref: Obj,
  alloc: Allocatable,
): string {
  const name = typeof ref['containerName'] === 'string' ? ref['containerName'] : '';
  let target = container;
  if (name !== '' || !target) {
    target = containersOf(pod).find((c) => c['name'] === name);
    if (!target) throw new Error(`container ${name} not found`);
  }
  const resource = String(ref['resource'] ?? '');
  const dot = resource.indexOf('.');
  const kind = resource.slice(0, dot);
  const res = resource.slice(dot + 1);
  const known = ['cpu', 'memory', 'ephemeral-storage'].includes(res) || res.startsWith('hugepages-');
  if ((kind !== 'requests' && kind !== 'limits') || !known) {
    throw new Error(`unsupported container resource : ${resource}`);
  }
  const source =
    kind === 'limits'
      ? defaultedLimits(target, alloc)
      : ((((target['resources'] ?? {}) as Obj)['requests'] ?? {}) as Obj);
  const q = source[res] ?? '0';
  const divisor = ref['divisor'] === undefined || unitValueOf(ref['divisor']) === 0 ? '1' : ref['divisor'];
  if (res === 'cpu') {
    const d = milliValueOf(divisor) || 1;
    return String(Math.ceil(milliValueOf(q) / d));
  }
  const d = unitValueOf(divisor) || 1;
  return String(Math.ceil(unitValueOf(q) / d));
}
