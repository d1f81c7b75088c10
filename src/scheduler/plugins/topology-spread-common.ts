/**
 * What PodTopologySpread filtering and scoring share: which nodes are eligible to count
 * for a constraint (they carry every constraint's topology label; with nodeAffinityPolicy
 * Honor they match the pod's required node affinity; with nodeTaintsPolicy Honor the pod
 * tolerates their taints), and the matching pods per domain over the eligible nodes. When
 * every node with the label is eligible (the usual case), the counts come straight from a
 * count index; otherwise the nodes are walked. Terminating pods do not count. Pure.
 */
import type { SchedulerCache } from '../cache.js';
import type { CountIndex } from '../count-index.js';
import type { NodeInfo } from '../node-info.js';
import { firstUntolerated, hasRequiredAffinity, requiredAffinityMatches } from '../node-selector.js';
import type { PodInfo, SpreadConstraint } from '../pod-info.js';

export const HOSTNAME = 'kubernetes.io/hostname';
const HARD_EFFECTS = ['NoSchedule', 'NoExecute'];

export function spreadIndex(cache: SchedulerCache, pod: PodInfo, c: SpreadConstraint): CountIndex {
  const ns = pod.namespace;
  const selector = c.selector;
  return cache.indexes.get(
    `spread|${c.id}`,
    (pi) => pi.namespace === ns && !pi.terminating && selector.matches(pi.labels),
    false,
    () => cache.placedPods(),
  );
}

/** Whether `node` counts for constraint `c` of `pod` (given all the pod's constraint keys). */
export function eligible(
  pod: PodInfo,
  c: SpreadConstraint,
  keys: readonly string[],
  node: NodeInfo,
): boolean {
  for (const k of keys) if (node.labels[k] === undefined) return false;
  if (
    c.nodeAffinityPolicy !== 'Ignore' &&
    !requiredAffinityMatches(pod.requiredNodeAffinity, node.labels, node.name)
  )
    return false;
  if (c.nodeTaintsPolicy === 'Honor' && firstUntolerated(node.taints, pod.tolerations, HARD_EFFECTS))
    return false;
  return true;
}

/** True when every node having `c.topologyKey` is eligible, so index counts can be used as they are. */
export function allNodesEligible(
  cache: SchedulerCache,
  pod: PodInfo,
  c: SpreadConstraint,
  keys: readonly string[],
) {
  if (c.nodeAffinityPolicy !== 'Ignore' && hasRequiredAffinity(pod.requiredNodeAffinity)) return false;
  if (c.nodeTaintsPolicy === 'Honor') return false;
  if (keys.length === 1) return true;
  let withKey = 0;
  for (const n of cache.topologyDomains(c.topologyKey).values()) withKey += n;
  return cache.nodesWithAllLabels(keys) === withKey;
}

/**
 * Matching pods per domain of `c.topologyKey` over eligible nodes, and the eligible
 * domains (those with at least one eligible node). `counts` may be a live index map when
 * `live` is true: copy it before changing it.
 */
export function domainCounts(
  cache: SchedulerCache,
  pod: PodInfo,
  c: SpreadConstraint,
  keys: readonly string[],
): {
  counts: ReadonlyMap<string, number>;
  domains: ReadonlySet<string> | ReadonlyMap<string, number>;
  live: boolean;
} {
  const index = spreadIndex(cache, pod, c);
  if (allNodesEligible(cache, pod, c, keys)) {
    return {
      counts: index.domainCounts(c.topologyKey),
      domains: cache.topologyDomains(c.topologyKey),
      live: true,
    };
  }
  const counts = new Map<string, number>();
  const domains = new Set<string>();
  for (const node of cache.nodes()) {
    if (!eligible(pod, c, keys, node)) continue;
    const v = node.labels[c.topologyKey]!;
    domains.add(v);
    const n = index.perNode.get(node);
    if (n) counts.set(v, (counts.get(v) ?? 0) + n);
  }
  return { counts, domains, live: false };
}

/** Whether a placed pod counts for constraint `c` of `pod`. */
export function counts(pod: PodInfo, c: SpreadConstraint, pi: PodInfo): boolean {
  return pi.namespace === pod.namespace && !pi.terminating && c.selector.matches(pi.labels);
}
