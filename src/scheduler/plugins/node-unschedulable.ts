/**
 * NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, unless the pod
 * tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint. Preemption cannot
 * help. Pure.
 */
import type { CycleState, FilterPlugin } from '../framework/plugin.js';
import { unresolvable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import { tolerated } from '../node-selector.js';

export const NAME = 'NodeUnschedulable';
export const REASON = 'node(s) were unschedulable';
const REJECT = unresolvable(NAME, REASON);
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: NAME,
  preFilter: (state: CycleState) => (state.cache.anyUnschedulable ? undefined : 'skip'),
  filter(state: CycleState, node: NodeInfo) {
    if (!node.unschedulable) return null;
    return tolerated(state.pod.tolerations, TAINT) ? null : REJECT;
  },
};
