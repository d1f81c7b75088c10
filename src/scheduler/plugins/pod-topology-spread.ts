/**
 * PodTopologySpread, filtering (whenUnsatisfiable: DoNotSchedule): placing the pod in a
 * node's domain must keep that domain within maxSkew of the global minimum, where the
 * minimum is over eligible domains and counts as 0 while there are fewer eligible domains
 * than minDomains. A node without the constraint's topology label is out for good.
 * Upstream's system default constraints (for pods of Services and controllers) are not
 * applied. Pure.
 */
import type { CycleState, FilterPlugin, PreFilterState } from '../framework/plugin.js';
import { unresolvable, unschedulable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo, SpreadConstraint } from '../pod-info.js';
import { domainCounts, eligible, counts as podCounts } from './topology-spread-common.js';

export const NAME = 'PodTopologySpread';
export const REASON = "node(s) didn't match pod topology spread constraints";
export const REASON_LABEL = `${REASON} (missing required label)`;
const REJECT = unschedulable(NAME, REASON);
const REJECT_LABEL = unresolvable(NAME, REASON_LABEL);
const KEY = NAME;

interface ConstraintState {
  c: SpreadConstraint;
  selfMatch: number;
  counts: ReadonlyMap<string, number>;
  domains: ReadonlySet<string> | ReadonlyMap<string, number>;
  minMatch: number;
}

function minMatch(cs: ConstraintState): number {
  if (cs.domains.size < cs.c.minDomains) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const d of cs.domains.keys()) {
    const n = cs.counts.get(d) ?? 0;
    if (n < min) min = n;
    if (min === 0) break;
  }
  return min === Number.POSITIVE_INFINITY ? 0 : min;
}

class SpreadState implements PreFilterState {
  constructor(
    readonly pod: PodInfo,
    readonly keys: readonly string[],
    readonly constraints: ConstraintState[],
  ) {}

  clone(): SpreadState {
    return new SpreadState(
      this.pod,
      this.keys,
      this.constraints.map((cs) => ({ ...cs, counts: new Map(cs.counts) })),
    );
  }

  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    for (const cs of this.constraints) {
      if (!podCounts(this.pod, cs.c, pi) || !eligible(this.pod, cs.c, this.keys, node)) continue;
      const v = node.labels[cs.c.topologyKey]!;
      const counts = cs.counts as Map<string, number>;
      const n = (counts.get(v) ?? 0) + sign;
      if (n > 0) counts.set(v, n);
      else counts.delete(v);
      cs.minMatch = minMatch(cs);
    }
  }
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: NAME,
  preFilter(state: CycleState) {
    const { pod, cache } = state;
    const hard = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (hard.length === 0) return 'skip';
    const keys = [...new Set(hard.map((c) => c.topologyKey))];
    const constraints = hard.map((c) => {
      const { counts, domains } = domainCounts(cache, pod, c, keys);
      const cs: ConstraintState = {
        c,
        selfMatch: c.selector.matches(pod.labels) ? 1 : 0,
        counts,
        domains,
        minMatch: 0,
      };
      cs.minMatch = minMatch(cs);
      return cs;
    });
    state.write(KEY, new SpreadState(pod, keys, constraints));
    return undefined;
  },
  filter(state: CycleState, node: NodeInfo) {
    const s = state.read<SpreadState>(KEY);
    if (!s) return null;
    for (const cs of s.constraints) {
      const v = node.labels[cs.c.topologyKey];
      if (v === undefined) return REJECT_LABEL;
      const skew = (cs.counts.get(v) ?? 0) + cs.selfMatch - cs.minMatch;
      if (skew > cs.c.maxSkew) return REJECT;
    }
    return null;
  },
};
