/**
 * Why a pod fits nowhere, and the message kube-scheduler prints for it (in the pod's
 * PodScheduled condition and the FailedScheduling event):
 *
 *   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node
 *   affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful
 *   for scheduling.
 *
 * Each reason is counted over the nodes it was given for, printed as "<count> <reason>",
 * sorted as strings and joined with ", ". A preFilter rejection replaces the histogram;
 * the preemption outcome (post-filter message) follows it. Pure.
 */
import type { Status } from './status.js';

export interface Diagnosis {
  /** Each rejected node's status, by node name. */
  statuses: Map<string, Status>;
  /** Plugins that rejected the pod somewhere (the cluster events that may help depend on them). */
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function emptyDiagnosis(): Diagnosis {
  return { statuses: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** "<count> <reason>" per distinct reason, sorted (byte order, as Go's sort.Strings). */
export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out = [...counts].map(([r, n]) => `${n} ${r}`);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const hist = reasonHistogram(d.statuses.values());
    if (hist.length > 0) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
