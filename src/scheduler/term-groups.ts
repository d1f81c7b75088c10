/**
 * The (anti-)affinity terms of placed pods, grouped by what they say: a new pod must not
 * land where a placed pod's required anti-affinity selects it, and placed pods' affinity
 * preferences pull or push it. Pods created from one template share their terms, so
 * grouping turns "every placed pod with a term" into "every distinct term": each group
 * counts its pods per topology domain (the node label of the term's key). Pure.
 */
import type { NodeInfo } from './node-info.js';
import type { AffinityTerm, PodInfo } from './pod-info.js';

export type TermKind = 'requiredAnti' | 'requiredAffinity' | 'preferredAffinity' | 'preferredAnti';

export interface TermGroup {
  kind: TermKind;
  term: AffinityTerm;
  weight: number;
  /** Placed pods holding this term, per value of the node label `term.topologyKey`. */
  counts: Map<string, number>;
  pods: number;
}

function* termsOf(pi: PodInfo): Generator<[TermKind, AffinityTerm, number]> {
  for (const t of pi.requiredAntiAffinity) yield ['requiredAnti', t, 0];
  for (const t of pi.requiredAffinity) yield ['requiredAffinity', t, 0];
  for (const t of pi.preferredAffinity) yield ['preferredAffinity', t, t.weight];
  for (const t of pi.preferredAntiAffinity) yield ['preferredAnti', t, t.weight];
}

export function hasTerms(pi: PodInfo): boolean {
  return (
    pi.requiredAntiAffinity.length > 0 ||
    pi.requiredAffinity.length > 0 ||
    pi.preferredAffinity.length > 0 ||
    pi.preferredAntiAffinity.length > 0
  );
}

export class TermGroups {
  private readonly groups = new Map<string, TermGroup>();

  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    if (!hasTerms(pi)) return;
    for (const [kind, term, weight] of termsOf(pi)) {
      const id = `${kind}|${weight}|${term.topologyKey}|${term.id}`;
      let g = this.groups.get(id);
      if (!g) {
        if (sign < 0) continue;
        g = { kind, term, weight, counts: new Map(), pods: 0 };
        this.groups.set(id, g);
      }
      g.pods += sign;
      const v = node.labels[term.topologyKey];
      if (v !== undefined) {
        const c = (g.counts.get(v) ?? 0) + sign;
        if (c > 0) g.counts.set(v, c);
        else g.counts.delete(v);
      }
      if (g.pods <= 0) this.groups.delete(id);
    }
  }

  /** Every group of one kind. */
  *ofKind(kind: TermKind): Generator<TermGroup> {
    for (const g of this.groups.values()) if (g.kind === kind) yield g;
  }

  get size(): number {
    return this.groups.size;
  }
}
