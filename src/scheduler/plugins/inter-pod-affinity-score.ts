/**
 * InterPodAffinity, scoring: each domain (topology key and value) gets the weight of the
 * pod's preferred affinity terms times the matching pods in it (anti-affinity subtracts),
 * plus the weights of placed pods' terms that select this pod (their preferred terms,
 * and their required affinity terms with weight 1, upstream's hardPodAffinityWeight). A
 * node scores the sum over its labels' domains; scores are then scaled min-max onto
 * 0..100. Skipped when nothing contributes. Pure.
 */
import { type CycleState, MAX_NODE_SCORE, type ScorePlugin } from '../framework/plugin.js';
import type { NodeInfo } from '../node-info.js';
import { termMatchesPod } from '../pod-info.js';
import type { TermKind } from '../term-groups.js';
import { NAME, termIndex } from './inter-pod-affinity.js';

const KEY = `${NAME}/score`;
const HARD_POD_AFFINITY_WEIGHT = 1;

type DomainScores = Map<string, Map<string, number>>;

function add(scores: DomainScores, key: string, counts: ReadonlyMap<string, number>, weight: number): void {
  if (weight === 0 || counts.size === 0) return;
  let m = scores.get(key);
  if (!m) {
    m = new Map();
    scores.set(key, m);
  }
  for (const [v, c] of counts) m.set(v, (m.get(v) ?? 0) + weight * c);
}

const EXISTING: [TermKind, number][] = [
  ['requiredAffinity', 1],
  ['preferredAffinity', 1],
  ['preferredAnti', -1],
];

export const interPodAffinityScore: ScorePlugin = {
  name: NAME,
  weight: 2,
  preScore(state: CycleState) {
    const { pod, cache } = state;
    const scores: DomainScores = new Map();
    for (const t of pod.preferredAffinity) {
      add(scores, t.topologyKey, termIndex(cache, t).domainCounts(t.topologyKey), t.weight);
    }
    for (const t of pod.preferredAntiAffinity) {
      add(scores, t.topologyKey, termIndex(cache, t).domainCounts(t.topologyKey), -t.weight);
    }
    if (cache.terms.size > 0) {
      const nsLabels = cache.namespaceLabels(pod.namespace);
      for (const [kind, sign] of EXISTING) {
        for (const g of cache.terms.ofKind(kind)) {
          if (g.counts.size === 0 || !termMatchesPod(g.term, pod, nsLabels)) continue;
          const w = kind === 'requiredAffinity' ? HARD_POD_AFFINITY_WEIGHT : g.weight;
          add(scores, g.term.topologyKey, g.counts, sign * w);
        }
      }
    }
    if (scores.size === 0) return false;
    state.write(KEY, scores);
    return true;
  },
  score(state: CycleState, node: NodeInfo) {
    const scores = state.read<DomainScores>(KEY);
    if (!scores) return 0;
    let s = 0;
    for (const [key, byValue] of scores) {
      const v = node.labels[key];
      if (v !== undefined) s += byValue.get(v) ?? 0;
    }
    return s;
  },
  normalize(_state, scores) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
    }
  },
};
