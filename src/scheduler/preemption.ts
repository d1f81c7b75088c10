/**
 * Preemption (upstream's DefaultPreemption post-filter): when a pod fits nowhere, find a
 * node where evicting pods of lower priority would make it fit, evicting as few and as
 * unimportant pods as possible. For each node where preemption might help (its verdict
 * was not unresolvable), all lower-priority pods are removed in a what-if copy; if the pod
 * then fits, the victims are re-added from the most important down and kept whenever the
 * pod still fits. Among the candidate nodes the choice is, in order: the lowest highest
 * victim priority, the lowest sum of priorities, the fewest victims, the latest start of
 * the most important victims. The result names the victims and the node to nominate, or
 * says why preemption cannot help, worded as kube-scheduler words it. PodDisruptionBudgets
 * are not considered. Pure: the caller deletes the victims.
 */
import { runFilters } from './algorithm.js';
import { type Diagnosis, fitErrorMessage } from './framework/diagnosis.js';
import type { CycleState, FilterPlugin } from './framework/plugin.js';
import { type Status, unresolvable } from './framework/status.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { PREEMPT_NEVER } from './priority.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
const PLUGIN = 'DefaultPreemption';
const NOT_HELPFUL_STATUS = unresolvable(PLUGIN, NOT_HELPFUL);
const NO_VICTIMS_STATUS = unresolvable(PLUGIN, NO_VICTIMS);
const MIN_CANDIDATES_PERCENTAGE = 10;
const MIN_CANDIDATES = 100;

export type PreemptionResult =
  | {
      kind: 'nominate';
      node: string;
      /** Pods to evict, most important first. */
      victims: PodInfo[];
      /** Lower-priority pods nominated to the same node, which lose their nomination. */
      displaced: PodInfo[];
    }
  /** `message` is the post-filter message for the FailedScheduling text (`preemption: ...`). */
  | { kind: 'none'; message: string };

/** Higher priority first; among equals, the pod that started first. */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startTime - b.startTime;
}

export interface Candidate {
  node: NodeInfo;
  victims: PodInfo[];
}

/** The victims on one node, or the status saying why evicting there does not help. */
export function selectVictimsOnNode(
  filters: readonly FilterPlugin[],
  state: CycleState,
  node: NodeInfo,
): Candidate | Status {
  const pod = state.pod;
  const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return NO_VICTIMS_STATUS;
  const what = node.clone();
  const st = state.clone();
  for (const p of potential) {
    what.removePod(p);
    st.update(p, what, -1);
  }
  const alone = runFilters(filters, st, what);
  if (alone) return alone;
  potential.sort(moreImportant);
  const victims: PodInfo[] = [];
  for (const p of potential) {
    what.addPod(p);
    st.update(p, what, 1);
    if (runFilters(filters, st, what) !== null) {
      what.removePod(p);
      st.update(p, what, -1);
      victims.push(p);
    }
  }
  return { node, victims };
}

function earliestStartOfTop(victims: readonly PodInfo[]): number {
  const top = victims[0]!.priority;
  let t = Number.POSITIVE_INFINITY;
  for (const v of victims) if (v.priority === top && v.startTime < t) t = v.startTime;
  return t;
}

/** Upstream's pickOneNodeForPreemption, without PodDisruptionBudgets. */
export function pickCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  const none = candidates.find((c) => c.victims.length === 0);
  if (none) return none;
  const keep = (list: Candidate[], key: (c: Candidate) => number, best: 'min' | 'max') => {
    let b = best === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (const c of list) b = best === 'min' ? Math.min(b, key(c)) : Math.max(b, key(c));
    return list.filter((c) => key(c) === b);
  };
  let list = [...candidates];
  list = keep(list, (c) => c.victims[0]!.priority, 'min');
  // Priorities shifted to be positive, as upstream does: fewer victims weigh most.
  list = keep(list, (c) => c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0), 'min');
  list = keep(list, (c) => c.victims.length, 'min');
  list = keep(list, (c) => earliestStartOfTop(c.victims), 'max');
  return list[0];
}

export interface PreemptOptions {
  random?: () => number;
}

export function preempt(
  filters: readonly FilterPlugin[],
  state: CycleState,
  diagnosis: Diagnosis,
  numAllNodes: number,
  opts: PreemptOptions = {},
): PreemptionResult {
  const pod = state.pod;
  const cache = state.cache;
  if (pod.preemptionPolicy === PREEMPT_NEVER) {
    return { kind: 'none', message: 'preemption: not eligible due to preemptionPolicy=Never.' };
  }
  if (pod.nominatedNodeName) {
    const nominated = cache.node(pod.nominatedNodeName);
    const verdict = diagnosis.statuses.get(pod.nominatedNodeName);
    if (nominated && verdict?.code !== 'UnschedulableAndUnresolvable') {
      for (const p of nominated.pods.values()) {
        if (p.priority < pod.priority && p.terminating && p.preemptedByScheduler) {
          return {
            kind: 'none',
            message: 'preemption: not eligible due to a terminating pod on the nominated node.',
          };
        }
      }
    }
  }
  const statuses = new Map<string, Status>();
  const potential: NodeInfo[] = [];
  for (const node of cache.nodes()) {
    if (diagnosis.statuses.get(node.name)?.code === 'UnschedulableAndUnresolvable') {
      statuses.set(node.name, NOT_HELPFUL_STATUS);
    } else potential.push(node);
  }
  const candidates: Candidate[] = [];
  if (potential.length > 0) {
    const wanted = Math.min(
      potential.length,
      Math.max(Math.trunc((potential.length * MIN_CANDIDATES_PERCENTAGE) / 100), MIN_CANDIDATES),
    );
    const offset = Math.floor((opts.random ?? Math.random)() * potential.length);
    for (let i = 0; i < potential.length && candidates.length < wanted; i++) {
      const node = potential[(offset + i) % potential.length]!;
      const r = selectVictimsOnNode(filters, state, node);
      if ('victims' in r) candidates.push(r);
      else statuses.set(node.name, r);
    }
  }
  const best = pickCandidate(candidates);
  if (!best) {
    const message = fitErrorMessage(numAllNodes, {
      statuses,
      unschedulablePlugins: new Set(),
      preFilterMsg: '',
      postFilterMsg: '',
    });
    return { kind: 'none', message: `preemption: ${message}` };
  }
  const displaced = [...cache.nominatedOn(best.node.name)].filter(
    (p) => p.key !== pod.key && p.priority < pod.priority,
  );
  return { kind: 'nominate', node: best.node.name, victims: best.victims, displaced };
}
