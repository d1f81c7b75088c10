/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left (allocatable
 * minus the requests of its pods, assumed ones included), one reason per short resource
 * (`Too many pods`, `Insufficient cpu`, ...). When a request exceeds the node's whole
 * allocatable, evicting pods cannot help and the verdict is unresolvable. Scoring prefers
 * the least allocated nodes (default) or the most allocated ones, from CPU and memory
 * with missing requests counted as 100m / 200Mi. Pure.
 */
import { type CycleState, type FilterPlugin, MAX_NODE_SCORE, type ScorePlugin } from '../framework/plugin.js';
import { type Code, type Status, unresolvable, unschedulable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';

export const NAME = 'NodeResourcesFit';

const statuses = new Map<string, Status>();

/** Shared, frozen statuses: the same few reason lists repeat over thousands of nodes. */
function status(code: Code, reasons: string[]): Status {
  const key = `${code}|${reasons.join('|')}`;
  let s = statuses.get(key);
  if (!s) {
    s = code === 'Unschedulable' ? unschedulable(NAME, ...reasons) : unresolvable(NAME, ...reasons);
    if (statuses.size < 1000) statuses.set(key, s);
  }
  return s;
}

function push(list: string[] | undefined, reason: string): string[] {
  if (!list) return [reason];
  list.push(reason);
  return list;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: NAME,
  filter(state: CycleState, node: NodeInfo) {
    const r = state.pod.requests;
    // The common case, read from the node's own fields: everything fits.
    if (
      node.podCount < node.allowedPods &&
      r.milliCPU <= node.allocMilliCPU - node.reqMilliCPU &&
      r.memory <= node.allocMemory - node.reqMemory &&
      r.ephemeralStorage <= node.allocEphemeral - node.reqEphemeral &&
      r.scalar === undefined
    )
      return null;
    const alloc = node.allocatable;
    const used = node.requested;
    let reasons: string[] | undefined;
    let hopeless = false;
    if (node.podCount + 1 > node.allowedPods) reasons = ['Too many pods'];
    if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - used.milliCPU) {
      reasons = push(reasons, 'Insufficient cpu');
      hopeless ||= r.milliCPU > alloc.milliCPU;
    }
    if (r.memory > 0 && r.memory > alloc.memory - used.memory) {
      reasons = push(reasons, 'Insufficient memory');
      hopeless ||= r.memory > alloc.memory;
    }
    if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      reasons = push(reasons, 'Insufficient ephemeral-storage');
      hopeless ||= r.ephemeralStorage > alloc.ephemeralStorage;
    }
    if (r.scalar) {
      for (const [name, q] of r.scalar) {
        const have = alloc.scalar?.get(name) ?? 0;
        if (q > have - (used.scalar?.get(name) ?? 0)) {
          reasons = push(reasons, `Insufficient ${name}`);
          hopeless ||= q > have;
        }
      }
    }
    if (!reasons) return null;
    return status(hopeless ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons);
  },
};

export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated';

function least(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function most(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** The NodeResourcesFit score for a strategy, over CPU and memory with weight 1 each. */
export function nodeResourcesFitScore(strategy: ScoringStrategy = 'LeastAllocated'): ScorePlugin {
  const f = strategy === 'MostAllocated' ? most : least;
  return {
    name: NAME,
    weight: 1,
    score(state: CycleState, node: NodeInfo) {
      const pod = state.pod;
      const cpuCap = node.allocMilliCPU;
      const memCap = node.allocMemory;
      let sum = 0;
      let weights = 0;
      if (cpuCap !== 0) {
        sum += f(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, cpuCap);
        weights++;
      }
      if (memCap !== 0) {
        sum += f(node.nonZeroMemory + pod.nonZeroMemory, memCap);
        weights++;
      }
      return weights === 0 ? 0 : Math.trunc(sum / weights);
    },
  };
}
