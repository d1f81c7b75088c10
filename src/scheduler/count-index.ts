/**
 * Counts of placed pods matching one selector, by node and by topology domain, kept up to
 * date as pods are added to and removed from nodes. Topology spread and inter-pod
 * (anti-)affinity ask "how many matching pods per zone / host" for every pod they
 * schedule; upstream answers by walking every pod on every node each time, which costs
 * O(pods) per decision. Here the first question about a selector builds its index once,
 * and later pods pay O(1) per placed pod per live index. Indexes not used for a while are
 * dropped (at most `capacity` live). Pure.
 */
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

export class CountIndex {
  /** Matching pods per node (only nodes with at least one). */
  readonly perNode = new Map<NodeInfo, number>();
  total = 0;
  lastUsed = 0;
  private readonly domains = new Map<string, Map<string, number>>();

  constructor(
    readonly id: string,
    readonly matches: (pi: PodInfo) => boolean,
    /** True when matching depends on namespace labels (a namespace selector). */
    readonly usesNamespaceLabels: boolean,
  ) {}

  /** Counts `pi` on `node` (sign 1) or uncounts it (sign -1) if it matches. */
  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    if (!this.matches(pi)) return;
    const n = (this.perNode.get(node) ?? 0) + sign;
    if (n > 0) this.perNode.set(node, n);
    else this.perNode.delete(node);
    this.total += sign;
    for (const [key, counts] of this.domains) {
      const v = node.labels[key];
      if (v === undefined) continue;
      const c = (counts.get(v) ?? 0) + sign;
      if (c > 0) counts.set(v, c);
      else counts.delete(v);
    }
  }

  /**
   * Matching pods per value of the node label `key` (domains with none are absent). The map
   * is live: read it during one decision, copy it to keep it.
   */
  domainCounts(key: string): ReadonlyMap<string, number> {
    let counts = this.domains.get(key);
    if (!counts) {
      counts = new Map();
      for (const [node, n] of this.perNode) {
        const v = node.labels[key];
        if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + n);
      }
      this.domains.set(key, counts);
    }
    return counts;
  }

  /** Forgets the per-domain counts (a node's labels changed); they are rebuilt on demand. */
  invalidateDomains(): void {
    this.domains.clear();
  }
}

/** The live indexes, by id; each placed pod passes through all of them. */
export class CountIndexes {
  private readonly live = new Map<string, CountIndex>();
  private clock = 0;

  constructor(private readonly capacity = 256) {}

  /**
   * The index `id`, built from `placed` (every pod on every node) the first time it is
   * asked for.
   */
  get(
    id: string,
    matches: (pi: PodInfo) => boolean,
    usesNamespaceLabels: boolean,
    placed: () => Iterable<[PodInfo, NodeInfo]>,
  ): CountIndex {
    let idx = this.live.get(id);
    if (!idx) {
      if (this.live.size >= this.capacity) this.evictOldest();
      idx = new CountIndex(id, matches, usesNamespaceLabels);
      for (const [pi, node] of placed()) idx.update(pi, node, 1);
      this.live.set(id, idx);
    }
    idx.lastUsed = ++this.clock;
    return idx;
  }

  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    for (const idx of this.live.values()) idx.update(pi, node, sign);
  }

  invalidateDomains(): void {
    for (const idx of this.live.values()) idx.invalidateDomains();
  }

  /** Drops indexes whose matching reads namespace labels (a namespace's labels changed). */
  dropNamespaceDependent(): void {
    for (const [id, idx] of this.live) if (idx.usesNamespaceLabels) this.live.delete(id);
  }

  get size(): number {
    return this.live.size;
  }

  private evictOldest(): void {
    let oldest: CountIndex | undefined;
    for (const idx of this.live.values()) if (!oldest || idx.lastUsed < oldest.lastUsed) oldest = idx;
    if (oldest) this.live.delete(oldest.id);
  }
}
