/**
 * TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not
 * tolerate them (the first untolerated one is named in the reason; preemption cannot
 * help), and its PreferNoSchedule taints count against it when scoring (fewer untolerated
 * ones score higher). Pure.
 */
import type { Toleration } from 'kubernetes-types/core/v1.js';
import {
  type CycleState,
  defaultNormalize,
  type FilterPlugin,
  type ScorePlugin,
} from '../framework/plugin.js';
import { unresolvable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import { firstUntolerated, tolerated } from '../node-selector.js';

export const NAME = 'TaintToleration';
const HARD = ['NoSchedule', 'NoExecute'];

export function untoleratedReason(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint {${key}: ${value ?? ''}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: NAME,
  preFilter: (state: CycleState) => (state.cache.anyHardTaints ? undefined : 'skip'),
  filter(state: CycleState, node: NodeInfo) {
    if (!node.hardTaints) return null;
    const taint = firstUntolerated(node.taints, state.pod.tolerations, HARD);
    return taint ? unresolvable(NAME, untoleratedReason(taint.key, taint.value)) : null;
  },
};

const PREFER_KEY = `${NAME}/prefer`;

export const taintTolerationScore: ScorePlugin = {
  name: NAME,
  weight: 3,
  preScore(state: CycleState, nodes: readonly NodeInfo[]) {
    // Nodes without PreferNoSchedule taints all score the same: skip the common case.
    if (!state.cache.anyPreferNoSchedule) return false;
    let any = false;
    for (const n of nodes) if (n.preferNoSchedule) any = true;
    if (!any) return false;
    const prefer = state.pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(PREFER_KEY, prefer);
    return true;
  },
  score(state: CycleState, node: NodeInfo) {
    if (!node.preferNoSchedule) return 0;
    const prefer = state.read<Toleration[]>(PREFER_KEY) ?? [];
    let n = 0;
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(prefer, t)) n++;
    return n;
  },
  normalize: (_state, scores) => defaultNormalize(scores, true),
};
