/**
 * PodTopologySpread, scoring (whenUnsatisfiable: ScheduleAnyway): a node scores, per
 * constraint, the matching pods in its domain times log(domains + 2) plus maxSkew − 1;
 * fewer is better, so scores are flipped onto 0..100 (the emptiest domain scores 100).
 * Nodes missing a constraint's label score 0. Domains are those of the feasible nodes;
 * for the hostname key each node is its own domain. Pure.
 */

import type { CountIndex } from '../count-index.js';
import { type CycleState, MAX_NODE_SCORE, type ScorePlugin } from '../framework/plugin.js';
import type { NodeInfo } from '../node-info.js';
import type { SpreadConstraint } from '../pod-info.js';
import { domainCounts, HOSTNAME, spreadIndex } from './topology-spread-common.js';

const KEY = 'PodTopologySpread/score';

interface ScoreConstraint {
  c: SpreadConstraint;
  weight: number;
  /** Pods per domain (non-hostname keys); for hostname, the index read per node. */
  counts: ReadonlyMap<string, number> | undefined;
  index: CountIndex;
}

interface ScoreState {
  ignored: Set<NodeInfo>;
  constraints: ScoreConstraint[];
}

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore(state: CycleState, nodes: readonly NodeInfo[]) {
    const { pod, cache } = state;
    const soft = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    if (soft.length === 0) return false;
    const keys = [...new Set(soft.map((c) => c.topologyKey))];
    const ignored = new Set<NodeInfo>();
    for (const n of nodes) if (keys.some((k) => n.labels[k] === undefined)) ignored.add(n);
    const considered = nodes.length - ignored.size;
    const constraints = soft.map((c) => {
      const index = spreadIndex(cache, pod, c);
      if (c.topologyKey === HOSTNAME) {
        return { c, weight: Math.log(considered + 2), counts: undefined, index };
      }
      const seen = new Set<string>();
      for (const n of nodes) if (!ignored.has(n)) seen.add(n.labels[c.topologyKey]!);
      return { c, weight: Math.log(seen.size + 2), counts: domainCounts(cache, pod, c, keys).counts, index };
    });
    state.write(KEY, { ignored, constraints } satisfies ScoreState);
    return true;
  },
  score(state: CycleState, node: NodeInfo) {
    const s = state.read<ScoreState>(KEY);
    if (!s || s.ignored.has(node)) return 0;
    let score = 0;
    for (const sc of s.constraints) {
      const v = node.labels[sc.c.topologyKey];
      if (v === undefined) continue;
      const n = sc.counts ? (sc.counts.get(v) ?? 0) : (sc.index.perNode.get(node) ?? 0);
      score += n * sc.weight + (sc.c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalize(state: CycleState, scores: number[], nodes: readonly NodeInfo[]) {
    const s = state.read<ScoreState>(KEY);
    if (!s) return;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    nodes.forEach((n, i) => {
      if (s.ignored.has(n)) return;
      const v = scores[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    nodes.forEach((n, i) => {
      if (s.ignored.has(n)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    });
  },
};
