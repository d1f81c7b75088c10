/**
 * The scheduler's view of the cluster: nodes and the pods placed on them, bound (seen
 * through the informer) or assumed (decided, binding in flight). Decisions read it
 * directly (they are serialized, so no copy is needed) and it is never out of date for
 * its own decisions: assume() takes a node's resources at once, forget() gives them back
 * when a bind fails, and the informer's view of the bound pod replaces the assumed one.
 * It also keeps the derived data filters need quickly: count indexes, placed pods' terms,
 * nominated pods, image spread, namespace labels, and the node order used for sampling
 * (zones interleaved, as upstream's node tree does). Pure.
 */
import type { KObject } from '../registry/types.js';
import { CountIndexes } from './count-index.js';
import { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { TermGroups } from './term-groups.js';

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';

interface Placed {
  pi: PodInfo;
  node: string;
  assumed: boolean;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

function zoneOf(n: NodeInfo): string {
  return `${n.labels[REGION] ?? ''}:${n.labels[ZONE] ?? ''}`;
}

export class SchedulerCache {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly placed = new Map<string, Placed>();
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private readonly nsLabels = new Map<string, Readonly<Record<string, string>>>();
  private readonly imageNodes = new Map<string, number>();
  private readonly derived = new Map<string, { generation: number; value: unknown }>();
  private ordered: NodeInfo[] = [];
  private orderDirty = false;
  /** Nodes per zone, in the order they came, and each node's zone as filed. */
  private readonly zones = new Map<string, NodeInfo[]>();
  private readonly zoneOfNode = new Map<string, string>();
  private nodeCount = 0;
  private preferNoScheduleCount = 0;
  private hardTaintCount = 0;
  private unschedulableCount = 0;
  readonly indexes = new CountIndexes();
  readonly terms = new TermGroups();
  /** Bumped whenever the set of nodes or their labels change. */
  nodeGeneration = 0;

  // ---- nodes

  /** Nodes with a Node object, zones interleaved; the array is shared, do not modify it. */
  nodes(): readonly NodeInfo[] {
    if (this.orderDirty) this.reorder();
    return this.ordered;
  }

  get numNodes(): number {
    return this.nodeCount;
  }

  node(name: string): NodeInfo | undefined {
    const n = this.nodeInfos.get(name);
    return n?.node ? n : undefined;
  }

  /** Adds or updates a Node; returns the NodeInfo. */
  setNode(node: KObject): NodeInfo {
    const name = node.metadata?.name ?? '';
    let info = this.nodeInfos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.nodeInfos.set(name, info);
    }
    const isNew = !info.node;
    if (isNew) this.nodeCount++;
    const labels = (node.metadata?.labels ?? {}) as Record<string, string>;
    const relabel = info.node !== undefined && !sameLabels(info.labels, labels);
    this.countImages(info, -1);
    if (info.node) this.countFlags(info, -1);
    if (relabel || !info.node) {
      // Placed pods' term counts are by node label: take them out under the old labels.
      for (const pi of info.pods.values()) this.terms.update(pi, info, -1);
      info.setNode(node);
      for (const pi of info.pods.values()) this.terms.update(pi, info, 1);
      this.indexes.invalidateDomains();
      this.nodeGeneration++;
    } else {
      info.setNode(node);
    }
    this.countImages(info, 1);
    this.countFlags(info, 1);
    if (isNew) this.fileZone(info);
    else if (zoneOf(info) !== this.zoneOfNode.get(info.name)) {
      this.unfileZone(info);
      this.fileZone(info);
    }
    return info;
  }

  removeNode(name: string): void {
    const info = this.nodeInfos.get(name);
    if (!info?.node) return;
    this.countImages(info, -1);
    this.countFlags(info, -1);
    this.unfileZone(info);
    for (const pi of info.pods.values()) this.terms.update(pi, info, -1);
    info.setNode(undefined);
    for (const pi of info.pods.values()) this.terms.update(pi, info, 1);
    this.nodeCount--;
    this.indexes.invalidateDomains();
    this.nodeGeneration++;
    if (info.pods.size === 0) this.nodeInfos.delete(name);
  }

  private countImages(info: NodeInfo, sign: 1 | -1): void {
    if (!info.node) return;
    for (const image of info.images.keys()) {
      const n = (this.imageNodes.get(image) ?? 0) + sign;
      if (n > 0) this.imageNodes.set(image, n);
      else this.imageNodes.delete(image);
    }
  }

  private countFlags(info: NodeInfo, sign: 1 | -1): void {
    if (info.preferNoSchedule) this.preferNoScheduleCount += sign;
    if (info.hardTaints) this.hardTaintCount += sign;
    if (info.unschedulable) this.unschedulableCount += sign;
  }

  /** Whether any node has a NoSchedule or NoExecute taint. */
  get anyHardTaints(): boolean {
    return this.hardTaintCount > 0;
  }

  /** Whether any node is cordoned (spec.unschedulable). */
  get anyUnschedulable(): boolean {
    return this.unschedulableCount > 0;
  }

  /** Whether any node has a PreferNoSchedule taint. */
  get anyPreferNoSchedule(): boolean {
    return this.preferNoScheduleCount > 0;
  }

  /** How many nodes report having `image`. */
  nodesWithImage(image: string): number {
    return this.imageNodes.get(image) ?? 0;
  }

  get anyImages(): boolean {
    return this.imageNodes.size > 0;
  }

  /** Computed once per node generation (node set and labels unchanged). */
  private memo<T>(key: string, compute: () => T): T {
    const hit = this.derived.get(key);
    if (hit && hit.generation === this.nodeGeneration) return hit.value as T;
    const value = compute();
    if (this.derived.size > 1000) this.derived.clear();
    this.derived.set(key, { generation: this.nodeGeneration, value });
    return value;
  }

  /** The values of node label `key` and how many nodes have each. */
  topologyDomains(key: string): ReadonlyMap<string, number> {
    return this.memo(`domains|${key}`, () => {
      const out = new Map<string, number>();
      for (const n of this.nodes()) {
        const v = n.labels[key];
        if (v !== undefined) out.set(v, (out.get(v) ?? 0) + 1);
      }
      return out;
    });
  }

  /** How many nodes have every one of the labels `keys`. */
  nodesWithAllLabels(keys: readonly string[]): number {
    return this.memo(`all|${keys.join('\u0000')}`, () => {
      let n = 0;
      for (const node of this.nodes()) if (keys.every((k) => node.labels[k] !== undefined)) n++;
      return n;
    });
  }

  private fileZone(info: NodeInfo): void {
    const z = zoneOf(info);
    let list = this.zones.get(z);
    if (!list) {
      list = [];
      this.zones.set(z, list);
    }
    list.push(info);
    this.zoneOfNode.set(info.name, z);
    this.orderDirty = true;
  }

  private unfileZone(info: NodeInfo): void {
    const z = this.zoneOfNode.get(info.name);
    if (z === undefined) return;
    const list = this.zones.get(z) ?? [];
    const i = list.indexOf(info);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.zones.delete(z);
    this.zoneOfNode.delete(info.name);
    this.orderDirty = true;
  }

  /** One node of each zone in turn, so that a sample of consecutive nodes spans the zones. */
  private reorder(): void {
    const lists = [...this.zones.values()];
    const longest = lists.reduce((m, l) => Math.max(m, l.length), 0);
    const out: NodeInfo[] = [];
    for (let i = 0; i < longest; i++) {
      for (const l of lists) if (i < l.length) out.push(l[i]!);
    }
    this.ordered = out;
    this.orderDirty = false;
  }

  // ---- pods

  /** Every placed pod with its node. */
  *placedPods(): Generator<[PodInfo, NodeInfo]> {
    for (const info of this.nodeInfos.values()) for (const pi of info.pods.values()) yield [pi, info];
  }

  isAssumed(key: string): boolean {
    return this.placed.get(key)?.assumed ?? false;
  }

  /** The node a pod is placed on (bound or assumed), if any. */
  nodeOf(key: string): string | undefined {
    return this.placed.get(key)?.node;
  }

  podInfo(key: string): PodInfo | undefined {
    return this.placed.get(key)?.pi;
  }

  private place(pi: PodInfo, nodeName: string, assumed: boolean): void {
    let info = this.nodeInfos.get(nodeName);
    if (!info) {
      info = new NodeInfo(nodeName);
      this.nodeInfos.set(nodeName, info);
    }
    info.addPod(pi);
    this.indexes.update(pi, info, 1);
    this.terms.update(pi, info, 1);
    this.placed.set(pi.key, { pi, node: nodeName, assumed });
  }

  private unplace(key: string): Placed | undefined {
    const p = this.placed.get(key);
    if (!p) return undefined;
    const info = this.nodeInfos.get(p.node);
    if (info?.removePod(p.pi)) {
      this.indexes.update(p.pi, info, -1);
      this.terms.update(p.pi, info, -1);
      if (!info.node && info.pods.size === 0) this.nodeInfos.delete(p.node);
    }
    this.placed.delete(key);
    return p;
  }

  /** Places a pod the scheduler chose a node for, before its binding is confirmed. */
  assume(pi: PodInfo, nodeName: string): void {
    this.unplace(pi.key);
    this.removeNominated(pi.key);
    this.place(pi, nodeName, true);
  }

  /** Undoes assume() (the bind failed). No-op once the pod has been seen bound. */
  forget(key: string): void {
    if (this.placed.get(key)?.assumed) this.unplace(key);
  }

  /**
   * The informer's view of a bound pod (add or update): replaces an assumed pod, or moves
   * the pod if its node or anything counted changed. Finished pods are removed.
   */
  setBoundPod(pi: PodInfo, finished: boolean): void {
    if (finished) {
      this.unplace(pi.key);
      return;
    }
    this.unplace(pi.key);
    this.removeNominated(pi.key);
    this.place(pi, pi.nodeName, false);
  }

  removePod(key: string): void {
    this.unplace(key);
    this.removeNominated(key);
  }

  // ---- nominated pods (preemptors waiting for their victims to go)

  setNominated(pi: PodInfo, nodeName: string): void {
    this.removeNominated(pi.key);
    if (!nodeName) return;
    let m = this.nominatedByNode.get(nodeName);
    if (!m) {
      m = new Map();
      this.nominatedByNode.set(nodeName, m);
    }
    m.set(pi.key, pi);
    this.nominatedNodeOf.set(pi.key, nodeName);
  }

  removeNominated(key: string): void {
    const node = this.nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(key);
    const m = this.nominatedByNode.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominatedByNode.delete(node);
  }

  nominatedOn(nodeName: string): Iterable<PodInfo> {
    return this.nominatedByNode.get(nodeName)?.values() ?? [];
  }

  get hasNominated(): boolean {
    return this.nominatedByNode.size > 0;
  }

  // ---- namespaces

  setNamespaceLabels(name: string, labels: Readonly<Record<string, string>> | undefined): void {
    const old = this.nsLabels.get(name);
    if (labels) this.nsLabels.set(name, labels);
    else this.nsLabels.delete(name);
    if (!old || !labels || !sameLabels(old, labels)) this.indexes.dropNamespaceDependent();
  }

  namespaceLabels(name: string): Readonly<Record<string, string>> {
    return this.nsLabels.get(name) ?? {};
  }
}
