/**
 * One scheduling decision for one pod, as upstream's schedulePod: preFilter, then filter
 * nodes starting where the previous decision stopped (so load rotates over the cluster)
 * until enough feasible nodes are found, then score those and pick the best (ties broken
 * at random). In a large cluster only a sample is examined: percentageOfNodesToScore, by
 * default adaptive (50% minus 1% per 125 nodes, at least 5%, at least 100 nodes). A pod
 * nominated to a node by an earlier preemption tries that node first. Pods nominated to
 * a node with a priority not below this pod's count as already there. Synchronous and
 * pure: it reads the cache and never changes it.
 */
import type { SchedulerCache } from './cache.js';
import { type Diagnosis, emptyDiagnosis } from './framework/diagnosis.js';
import { CycleState, type FilterPlugin } from './framework/plugin.js';
import type { Status } from './framework/status.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Profile } from './profile.js';

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let p = percentage;
  if (p <= 0) p = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * Math.min(p, 100)) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES);
}

export type Decision =
  | { kind: 'fit'; node: NodeInfo; evaluated: number; feasible: number; state: CycleState }
  | {
      kind: 'unschedulable';
      diagnosis: Diagnosis;
      numAllNodes: number;
      state: CycleState;
      /** The filters that ran (not skipped by preFilter), for preemption's what-ifs. */
      filters: readonly FilterPlugin[];
    }
  | { kind: 'noNodes' };

export interface AlgorithmOptions {
  /** 0 (default): adaptive. */
  percentageOfNodesToScore?: number;
  /** Random numbers in [0, 1) for tie-breaks (injectable for tests). */
  random?: () => number;
}

export class Algorithm {
  private nextStart = 0;
  private readonly random: () => number;

  constructor(
    private readonly profile: Profile,
    private readonly opts: AlgorithmOptions = {},
  ) {
    this.random = opts.random ?? Math.random;
  }

  schedule(cache: SchedulerCache, pod: PodInfo): Decision {
    const nodes = cache.nodes();
    if (nodes.length === 0) return { kind: 'noNodes' };
    const state = new CycleState(pod, cache);
    const diagnosis = emptyDiagnosis();
    const filters: FilterPlugin[] = [];
    for (const p of this.profile.filters) {
      const r = p.preFilter?.(state);
      if (r === 'skip') continue;
      if (r) {
        diagnosis.preFilterMsg = r.reasons.join(', ');
        diagnosis.unschedulablePlugins.add(p.name);
        for (const n of nodes) diagnosis.statuses.set(n.name, r);
        return { kind: 'unschedulable', diagnosis, numAllNodes: nodes.length, state, filters };
      }
      filters.push(p);
    }

    if (pod.nominatedNodeName) {
      const nominated = cache.node(pod.nominatedNodeName);
      if (nominated && runFilters(filters, state, nominated) === null) {
        return { kind: 'fit', node: nominated, evaluated: 1, feasible: 1, state };
      }
    }

    const want = numFeasibleNodesToFind(nodes.length, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const n = nodes.length;
    let processed = 0;
    const start = this.nextStart % n;
    // Which plugin rejects a node only matters if no node fits: search with the most
    // selective filters first and without recording verdicts, and only when nothing fits,
    // examine every node again in upstream's order for the message.
    const fast = bySelectivity(filters);
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      if (runFilters(fast, state, node) === null) feasible.push(node);
    }
    this.nextStart = (start + processed) % n;
    if (feasible.length === 0) {
      for (const node of nodes) {
        const s = runFilters(filters, state, node);
        if (s === null) continue;
        diagnosis.statuses.set(node.name, s);
        diagnosis.unschedulablePlugins.add(s.plugin);
      }
      return { kind: 'unschedulable', diagnosis, numAllNodes: n, state, filters };
    }
    if (feasible.length === 1)
      return { kind: 'fit', node: feasible[0]!, evaluated: processed, feasible: 1, state };
    const node = this.selectHost(feasible, this.score(state, feasible));
    return { kind: 'fit', node, evaluated: processed, feasible: feasible.length, state };
  }

  /** Weighted sum of the normalized scores of every plugin that applies, per node. */
  score(state: CycleState, nodes: readonly NodeInfo[]): Float64Array {
    const total = new Float64Array(nodes.length);
    const raw: number[] = new Array<number>(nodes.length).fill(0);
    for (const p of this.profile.scores) {
      if (p.preScore && !p.preScore(state, nodes)) continue;
      for (let i = 0; i < nodes.length; i++) raw[i] = p.score(state, nodes[i]!);
      p.normalize?.(state, raw, nodes);
      for (let i = 0; i < nodes.length; i++) total[i]! += p.weight * raw[i]!;
    }
    return total;
  }

  private selectHost(nodes: readonly NodeInfo[], scores: Float64Array): NodeInfo {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i]! > scores[best]!) {
        best = i;
        ties = 1;
      } else if (scores[i] === scores[best]) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return nodes[best]!;
  }
}

/**
 * Filters in the order that rejects fastest where they disagree: the constraints that
 * rule out whole domains first, resources before the rarely failing node checks.
 */
const SELECTIVITY = [
  'PodTopologySpread',
  'InterPodAffinity',
  'NodeAffinity',
  'NodeResourcesFit',
  'NodePorts',
  'TaintToleration',
  'NodeUnschedulable',
  'NodeName',
];

function rank(f: FilterPlugin): number {
  const i = SELECTIVITY.indexOf(f.name);
  return i < 0 ? SELECTIVITY.length : i;
}

function bySelectivity(filters: readonly FilterPlugin[]): FilterPlugin[] {
  return [...filters].sort((a, b) => rank(a) - rank(b));
}

function runPlugins(filters: readonly FilterPlugin[], state: CycleState, node: NodeInfo): Status | null {
  for (const f of filters) {
    const s = f.filter(state, node);
    if (s) return s;
  }
  return null;
}

/**
 * Runs the filters on `node`, first as if the pods nominated to it (with at least this
 * pod's priority) were already placed there, then as it is, as upstream does.
 */
export function runFilters(
  filters: readonly FilterPlugin[],
  state: CycleState,
  node: NodeInfo,
): Status | null {
  const cache = state.cache;
  if (cache.hasNominated) {
    let withNominated: { node: NodeInfo; state: CycleState } | undefined;
    for (const p of cache.nominatedOn(node.name)) {
      if (p.key === state.pod.key || p.priority < state.pod.priority) continue;
      withNominated ??= { node: node.clone(), state: state.clone() };
      withNominated.node.addPod(p);
      withNominated.state.update(p, withNominated.node, 1);
    }
    if (withNominated) {
      const s = runPlugins(filters, withNominated.state, withNominated.node);
      if (s) return s;
    }
  }
  return runPlugins(filters, state, node);
}
