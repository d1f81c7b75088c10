/**
 * InterPodAffinity, filtering: a node is out when
 *  - the pod's required affinity terms find no matching pod in the node's domain
 *    (unless no pod anywhere matches and the pod matches its own terms: the first of a
 *    group), or the node lacks a term's topology label: unresolvable;
 *  - a required anti-affinity term of the pod finds a matching pod in the node's domain;
 *  - a placed pod's required anti-affinity selects this pod in the node's domain.
 * Counts per domain come from the cache's count indexes and term groups (see there), so a
 * decision costs O(terms + nodes), not O(placed pods). Pure.
 */

import type { SchedulerCache } from '../cache.js';
import type { CycleState, FilterPlugin, PreFilterState } from '../framework/plugin.js';
import { unresolvable, unschedulable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import { type AffinityTerm, type PodInfo, termMatchesPod } from '../pod-info.js';

export const NAME = 'InterPodAffinity';
export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";
const REJECT_AFFINITY = unresolvable(NAME, REASON_AFFINITY);
const REJECT_ANTI = unschedulable(NAME, REASON_ANTI);
const REJECT_EXISTING = unschedulable(NAME, REASON_EXISTING);
const KEY = NAME;

type Counts = Map<string, number>;

interface Entry {
  key: string;
  counts: ReadonlyMap<string, number>;
}

/** The count index of pods matching `term` (every namespace's labels read from the cache). */
export function termIndex(cache: SchedulerCache, term: AffinityTerm) {
  return cache.indexes.get(
    `term|${term.id}`,
    (pi) => termMatchesPod(term, pi, cache.namespaceLabels(pi.namespace)),
    !term.namespaceSelector.nothing,
    () => cache.placedPods(),
  );
}

function bump(entry: { counts: ReadonlyMap<string, number> }, v: string | undefined, sign: 1 | -1): void {
  if (v === undefined) return;
  const counts = entry.counts as Counts;
  const c = (counts.get(v) ?? 0) + sign;
  if (c > 0) counts.set(v, c);
  else counts.delete(v);
}

function copy(entries: readonly Entry[]): Entry[] {
  return entries.map((e) => ({ key: e.key, counts: new Map(e.counts) }));
}

class AffinityState implements PreFilterState {
  constructor(
    readonly cache: SchedulerCache,
    readonly pod: PodInfo,
    readonly nsLabels: Readonly<Record<string, string>>,
    /** Domains where placed pods' anti-affinity selects this pod. */
    readonly existing: Entry[],
    /** Per required affinity term: pods matching all the terms, per domain of this term's key. */
    readonly affinity: Entry[],
    readonly selfMatchesAll: boolean,
    /** Per required anti-affinity term: matching pods per domain. */
    readonly anti: Entry[],
  ) {}

  clone(): AffinityState {
    return new AffinityState(
      this.cache,
      this.pod,
      this.nsLabels,
      copy(this.existing),
      copy(this.affinity),
      this.selfMatchesAll,
      copy(this.anti),
    );
  }

  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    for (const t of pi.requiredAntiAffinity) {
      if (!termMatchesPod(t, this.pod, this.nsLabels)) continue;
      let e = this.existing.find((x) => x.key === t.topologyKey);
      if (!e) {
        e = { key: t.topologyKey, counts: new Map() };
        this.existing.push(e);
      }
      bump(e, node.labels[t.topologyKey], sign);
    }
    const own = (t: AffinityTerm) => termMatchesPod(t, pi, this.cache.namespaceLabels(pi.namespace));
    if (this.affinity.length > 0 && this.pod.requiredAffinity.every(own)) {
      for (const e of this.affinity) bump(e, node.labels[e.key], sign);
    }
    this.pod.requiredAntiAffinity.forEach((t, i) => {
      if (own(t)) bump(this.anti[i]!, node.labels[t.topologyKey], sign);
    });
  }
}

function preFilter(state: CycleState): 'skip' | undefined {
  const { pod, cache } = state;
  const nsLabels = cache.namespaceLabels(pod.namespace);
  const existing: Entry[] = [];
  for (const g of cache.terms.ofKind('requiredAnti')) {
    if (g.counts.size > 0 && termMatchesPod(g.term, pod, nsLabels)) {
      existing.push({ key: g.term.topologyKey, counts: g.counts });
    }
  }
  if (existing.length === 0 && pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0) {
    return 'skip';
  }
  let affinity: Entry[] = [];
  if (pod.requiredAffinity.length > 0) {
    const terms = pod.requiredAffinity;
    const all = cache.indexes.get(
      `all|${terms.map((t) => t.id).join('&')}`,
      (pi) => terms.every((t) => termMatchesPod(t, pi, cache.namespaceLabels(pi.namespace))),
      terms.some((t) => !t.namespaceSelector.nothing),
      () => cache.placedPods(),
    );
    affinity = terms.map((t) => ({ key: t.topologyKey, counts: all.domainCounts(t.topologyKey) }));
  }
  const selfMatchesAll = pod.requiredAffinity.every((t) => termMatchesPod(t, pod, nsLabels));
  const anti = pod.requiredAntiAffinity.map((t) => ({
    key: t.topologyKey,
    counts: termIndex(cache, t).domainCounts(t.topologyKey),
  }));
  state.write(KEY, new AffinityState(cache, pod, nsLabels, existing, affinity, selfMatchesAll, anti));
  return undefined;
}

function satisfiesAffinity(s: AffinityState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const e of s.affinity) {
    const v = node.labels[e.key];
    if (v === undefined) return false;
    if (!((e.counts.get(v) ?? 0) > 0)) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group that selects itself may go anywhere that has the labels.
  return s.selfMatchesAll && s.affinity.every((e) => e.counts.size === 0);
}

function anyInDomain(entries: readonly Entry[], node: NodeInfo): boolean {
  for (const e of entries) {
    const v = node.labels[e.key];
    if (v !== undefined && (e.counts.get(v) ?? 0) > 0) return true;
  }
  return false;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: NAME,
  preFilter,
  filter(state: CycleState, node: NodeInfo) {
    const s = state.read<AffinityState>(KEY);
    if (!s) return null;
    if (s.affinity.length > 0 && !satisfiesAffinity(s, node)) return REJECT_AFFINITY;
    if (anyInDomain(s.anti, node)) return REJECT_ANTI;
    if (anyInDomain(s.existing, node)) return REJECT_EXISTING;
    return null;
  },
};
