/**
 * One node as the scheduler accounts for it: its labels, taints, allocatable resources and
 * images, and the pods on it (bound and assumed) with the resources and host ports they
 * take. A NodeInfo may exist without a Node object while pods still name it (the node was
 * deleted, or its pods were seen first). clone() gives an independent copy for preemption's
 * what-if runs. The numbers every decision reads for hundreds of nodes (what is free, what
 * is requested, whether hard taints exist) are kept as plain fields of this one object, so
 * that scanning nodes touches one object per node. Pure.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../registry/types.js';
import { type HostPort, nodeTaints, normalizeImage, type PodInfo } from './pod-info.js';
import {
  addResources,
  cloneResources,
  emptyResources,
  nodeAllocatable,
  type Resources,
} from './resources.js';

type Obj = Record<string, unknown>;

const WILDCARD_IP = '0.0.0.0';

export class NodeInfo {
  node: KObject | undefined;
  labels: Readonly<Record<string, string>> = {};
  taints: readonly Taint[] = [];
  /** Whether any taint has the PreferNoSchedule effect (only those are scored). */
  preferNoSchedule = false;
  /** Whether any taint has the NoSchedule or NoExecute effect (only those filter). */
  hardTaints = false;
  unschedulable = false;
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  /** Normalized image name to size in bytes (node.status.images). */
  images: ReadonlyMap<string, number> = new Map();
  requested: Resources = emptyResources();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  // Copies of hot numbers of `allocatable` and `requested` (kept in step by setNode and account).
  allocMilliCPU = 0;
  allocMemory = 0;
  allocEphemeral = 0;
  reqMilliCPU = 0;
  reqMemory = 0;
  reqEphemeral = 0;
  podCount = 0;
  readonly pods = new Map<string, PodInfo>();
  /** `protocol/port` to the host IPs using it. */
  private ports = new Map<string, string[]>();

  constructor(readonly name: string) {}

  setNode(node: KObject | undefined): void {
    this.node = node;
    if (!node) {
      this.labels = {};
      this.taints = [];
      this.preferNoSchedule = false;
      this.hardTaints = false;
      this.unschedulable = false;
      this.allocatable = emptyResources();
      this.allowedPods = 0;
      this.images = new Map();
      this.syncHot();
      return;
    }
    const status = (node['status'] ?? {}) as Obj;
    const alloc = nodeAllocatable(status);
    this.labels = (node.metadata?.labels ?? {}) as Record<string, string>;
    this.taints = nodeTaints(node);
    this.preferNoSchedule = this.taints.some((t) => t.effect === 'PreferNoSchedule');
    this.hardTaints = this.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    this.unschedulable = ((node['spec'] ?? {}) as Obj)['unschedulable'] === true;
    this.allocatable = alloc.resources;
    this.allowedPods = alloc.pods;
    const images = new Map<string, number>();
    for (const img of (status['images'] as Obj[] | undefined) ?? []) {
      const size = typeof img['sizeBytes'] === 'number' ? img['sizeBytes'] : 0;
      for (const n of (img['names'] as string[] | undefined) ?? []) images.set(normalizeImage(n), size);
    }
    this.images = images;
    this.syncHot();
  }

  private syncHot(): void {
    this.allocMilliCPU = this.allocatable.milliCPU;
    this.allocMemory = this.allocatable.memory;
    this.allocEphemeral = this.allocatable.ephemeralStorage;
    this.reqMilliCPU = this.requested.milliCPU;
    this.reqMemory = this.requested.memory;
    this.reqEphemeral = this.requested.ephemeralStorage;
    this.podCount = this.pods.size;
  }

  addPod(pi: PodInfo): void {
    this.account(pi, 1);
    this.pods.set(pi.key, pi);
    this.podCount = this.pods.size;
  }

  removePod(pi: PodInfo): boolean {
    const mine = this.pods.get(pi.key);
    if (!mine) return false;
    this.account(mine, -1);
    this.pods.delete(pi.key);
    this.podCount = this.pods.size;
    return true;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, pi.requests, sign);
    this.reqMilliCPU = this.requested.milliCPU;
    this.reqMemory = this.requested.memory;
    this.reqEphemeral = this.requested.ephemeralStorage;
    this.nonZeroMilliCPU += sign * pi.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pi.nonZeroMemory;
    for (const p of pi.hostPorts) {
      const k = `${p.protocol}/${p.port}`;
      const ips = this.ports.get(k) ?? [];
      if (sign > 0) ips.push(p.ip);
      else {
        const i = ips.indexOf(p.ip);
        if (i >= 0) ips.splice(i, 1);
      }
      if (ips.length > 0) this.ports.set(k, ips);
      else this.ports.delete(k);
    }
  }

  /** Whether any of `wanted` collides with a port in use (same protocol and port, same or wildcard IP). */
  portsConflict(wanted: readonly HostPort[]): boolean {
    for (const p of wanted) {
      const ips = this.ports.get(`${p.protocol}/${p.port}`);
      if (!ips) continue;
      if (p.ip === WILDCARD_IP) return true;
      for (const ip of ips) if (ip === p.ip || ip === WILDCARD_IP) return true;
    }
    return false;
  }

  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.preferNoSchedule = this.preferNoSchedule;
    c.hardTaints = this.hardTaints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.allowedPods = this.allowedPods;
    c.images = this.images;
    c.requested = cloneResources(this.requested);
    c.nonZeroMilliCPU = this.nonZeroMilliCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    for (const [k, v] of this.pods) c.pods.set(k, v);
    for (const [k, v] of this.ports) c.ports.set(k, [...v]);
    c.syncHot();
    return c;
  }
}
