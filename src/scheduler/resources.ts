/**
 * What a pod asks of a node and what a node offers, in the units the scheduler compares:
 * millicores of CPU, bytes of memory and ephemeral storage, whole units of extended
 * resources (`example.com/gpu`, `hugepages-2Mi`). A pod's request follows upstream's
 * formula: the sum of its containers, or the largest init container step if that is more
 * (sidecars, init containers with restartPolicy Always, add to both), plus the pod overhead.
 * A container's limit stands in for a missing request, as API defaulting does. The
 * "non-zero" request counts a missing CPU or memory request as 100m / 200Mi, for scoring.
 * Pure.
 */
import { milliValueOf, unitValueOf } from '../api/quantity/index.js';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources by name; undefined when there are none. */
  scalar: Map<string, number> | undefined;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const NOT_SCALAR = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

export function cloneResources(r: Resources): Resources {
  return { ...r, scalar: r.scalar ? new Map(r.scalar) : undefined };
}

/** Adds `b` times `sign` into `a`. */
export function addResources(a: Resources, b: Resources, sign = 1): void {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  if (b.scalar) {
    a.scalar ??= new Map();
    for (const [k, v] of b.scalar) a.scalar.set(k, (a.scalar.get(k) ?? 0) + sign * v);
  }
}

type Obj = Record<string, unknown>;
type Amounts = Map<string, number>;

function amount(name: string, q: unknown): number {
  return name === 'cpu' ? milliValueOf(q) : unitValueOf(q);
}

/** A container's requests by resource name, with limits standing in for missing requests. */
function containerAmounts(c: Obj): Amounts {
  const res = (c['resources'] ?? {}) as { requests?: Obj; limits?: Obj };
  const out: Amounts = new Map();
  for (const [k, q] of Object.entries(res.limits ?? {})) out.set(k, amount(k, q));
  for (const [k, q] of Object.entries(res.requests ?? {})) out.set(k, amount(k, q));
  return out;
}

function addInto(a: Amounts, b: Amounts): void {
  for (const [k, v] of b) a.set(k, (a.get(k) ?? 0) + v);
}

function maxInto(a: Amounts, b: Amounts): void {
  for (const [k, v] of b) if (v > (a.get(k) ?? 0)) a.set(k, v);
}

function withNonZero(a: Amounts): Amounts {
  const out = new Map(a);
  if (!out.has('cpu')) out.set('cpu', DEFAULT_MILLI_CPU_REQUEST);
  if (!out.has('memory')) out.set('memory', DEFAULT_MEMORY_REQUEST);
  return out;
}

/** Upstream's PodRequests: containers summed, init containers as steps, sidecars in both. */
function podAmounts(spec: Obj, perContainer: (c: Obj) => Amounts): Amounts {
  const total: Amounts = new Map();
  for (const c of (spec['containers'] as Obj[] | undefined) ?? []) addInto(total, perContainer(c));
  const sidecars: Amounts = new Map();
  const initMax: Amounts = new Map();
  for (const c of (spec['initContainers'] as Obj[] | undefined) ?? []) {
    const own = perContainer(c);
    if (c['restartPolicy'] === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      const step = new Map(own);
      addInto(step, sidecars);
      maxInto(initMax, step);
    }
  }
  maxInto(total, initMax);
  const overhead = (spec['overhead'] ?? {}) as Obj;
  for (const [k, q] of Object.entries(overhead)) total.set(k, (total.get(k) ?? 0) + amount(k, q));
  return total;
}

function toResources(a: Amounts): Resources {
  const r = emptyResources();
  for (const [k, v] of a) {
    if (k === 'cpu') r.milliCPU = v;
    else if (k === 'memory') r.memory = v;
    else if (k === 'ephemeral-storage') r.ephemeralStorage = v;
    else if (!NOT_SCALAR.has(k) && v !== 0) {
      r.scalar ??= new Map();
      r.scalar.set(k, v);
    }
  }
  return r;
}

export interface PodRequests {
  requests: Resources;
  /** CPU and memory with a missing container request counted as 100m / 200Mi. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

export function podRequests(spec: Obj | undefined): PodRequests {
  const s = spec ?? {};
  const requests = toResources(podAmounts(s, containerAmounts));
  const nonZero = podAmounts(s, (c) => withNonZero(containerAmounts(c)));
  return {
    requests,
    nonZeroMilliCPU: nonZero.get('cpu') ?? 0,
    nonZeroMemory: nonZero.get('memory') ?? 0,
  };
}

/** A node's allocatable resources (capacity when allocatable is absent) and pod limit. */
export function nodeAllocatable(status: Obj | undefined): { resources: Resources; pods: number } {
  const alloc = (status?.['allocatable'] ?? status?.['capacity'] ?? {}) as Obj;
  const amounts: Amounts = new Map();
  for (const [k, q] of Object.entries(alloc)) amounts.set(k, amount(k, q));
  return { resources: toResources(amounts), pods: amounts.get('pods') ?? 0 };
}
