/**
 * NodePorts: a pod's host ports must be free on the node (same protocol and port, same
 * or wildcard IP, taken by a placed pod). Evicting the holder would free them, so
 * preemption may help. Pure.
 */
import type { CycleState, FilterPlugin } from '../framework/plugin.js';
import { unschedulable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';

export const NAME = 'NodePorts';
export const REASON = "node(s) didn't have free ports for the requested pod ports";
const REJECT = unschedulable(NAME, REASON);

export const nodePorts: FilterPlugin = {
  name: NAME,
  preFilter: (state: CycleState) => (state.pod.hostPorts.length > 0 ? undefined : 'skip'),
  filter(state: CycleState, node: NodeInfo) {
    return node.portsConflict(state.pod.hostPorts) ? REJECT : null;
  },
};
