/**
 * NodeResourcesBalancedAllocation: prefers nodes whose CPU and memory would be used in
 * the same proportion once the pod is placed: 100 × (1 − the standard deviation of the
 * used fractions). Skipped for pods that request neither (they change nothing). Pure.
 */
import { type CycleState, MAX_NODE_SCORE, type ScorePlugin } from '../framework/plugin.js';
import type { NodeInfo } from '../node-info.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export const balancedAllocation: ScorePlugin = {
  name: NAME,
  weight: 1,
  preScore: (state: CycleState) => state.pod.requests.milliCPU > 0 || state.pod.requests.memory > 0,
  score(state: CycleState, node: NodeInfo) {
    const r = state.pod.requests;
    const cpuCap = node.allocMilliCPU;
    const memCap = node.allocMemory;
    // Two resources (the usual case): the standard deviation is half the difference.
    if (cpuCap !== 0 && memCap !== 0) {
      const cpu = Math.min(1, (node.reqMilliCPU + r.milliCPU) / cpuCap);
      const mem = Math.min(1, (node.reqMemory + r.memory) / memCap);
      return Math.trunc((1 - Math.abs(cpu - mem) / 2) * MAX_NODE_SCORE);
    }
    return MAX_NODE_SCORE;
  },
};
