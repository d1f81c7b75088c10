/**
 * NodeAffinity: a pod's nodeSelector and required node affinity must match the node
 * (preemption cannot help), and its preferred node affinity terms add their weights to
 * the nodes they match, normalized so the best node scores 100. Pure.
 */
import {
  type CycleState,
  defaultNormalize,
  type FilterPlugin,
  type ScorePlugin,
} from '../framework/plugin.js';
import { unresolvable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import { hasRequiredAffinity, requiredAffinityMatches, termMatches } from '../node-selector.js';

export const NAME = 'NodeAffinity';
export const REASON = "node(s) didn't match Pod's node affinity/selector";
const REJECT = unresolvable(NAME, REASON);

export const nodeAffinityFilter: FilterPlugin = {
  name: NAME,
  preFilter: (state: CycleState) =>
    hasRequiredAffinity(state.pod.requiredNodeAffinity) ? undefined : 'skip',
  filter(state: CycleState, node: NodeInfo) {
    return requiredAffinityMatches(state.pod.requiredNodeAffinity, node.labels, node.name) ? null : REJECT;
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: NAME,
  weight: 2,
  preScore: (state: CycleState) => state.pod.preferredNodeAffinity.length > 0,
  score(state: CycleState, node: NodeInfo) {
    let sum = 0;
    for (const p of state.pod.preferredNodeAffinity) {
      if (p.weight !== 0 && termMatches(p.term, node.labels, node.name)) sum += p.weight;
    }
    return sum;
  },
  normalize: (_state, scores) => defaultNormalize(scores, false),
};
