/**
 * NodeName: a pod that names its node (spec.nodeName set before scheduling, as when a
 * scheduling attempt races a direct assignment) fits only that node. Pure.
 */
import type { CycleState, FilterPlugin } from '../framework/plugin.js';
import { unresolvable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';

export const NAME = 'NodeName';
export const REASON = "node(s) didn't match the requested node name";
const REJECT = unresolvable(NAME, REASON);

export const nodeName: FilterPlugin = {
  name: NAME,
  preFilter: (state: CycleState) => (state.pod.nodeName ? undefined : 'skip'),
  filter(state: CycleState, node: NodeInfo) {
    return state.pod.nodeName === node.name ? null : REJECT;
  },
};
