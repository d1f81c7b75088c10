/**
 * The node IPAM controller: gives every Node without one a pod range
 * (`spec.podCIDR`/`podCIDRs`) cut from the cluster range (`--cluster-cidr`, default
 * 10.42.0.0/16, /24 per node), which its kubelet's CNI bridge then uses. Ranges already
 * held by nodes are known from the informer, so a restart re-learns them. A node outside
 * the cluster range (simulated nodes bring their own) is left alone. When the range is
 * full, the node gets an Event `CIDRNotAvailable` and no range.
 */
import { isConflict, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { indexOf, subnetAt, subnetCount } from './cidrs.js';

export interface NodeIpamSettings {
  clusterCIDR?: string;
  nodeMaskBits?: number;
}

type Obj = Record<string, unknown>;

function podCidrOf(node: KObject): string | undefined {
  const c = (node['spec'] as Obj | undefined)?.['podCIDR'];
  return typeof c === 'string' && c !== '' ? c : undefined;
}

export class NodeIpamController extends QueueController {
  readonly name = 'nodeipam';
  private readonly nodes;
  private readonly cluster: string;
  private readonly mask: number;
  /** How many node ranges the cluster range holds. */
  private readonly count: number;
  /** Indexes in use, by node name (including ranges written and not yet seen back). */
  private readonly used = new Map<string, number>();
  /** How many nodes hold each index in use (a copied range may be held twice). */
  private readonly holders = new Map<number, number>();
  /** No index below this one is free. */
  private lowestFree = 0;

  constructor(ctx: ControllerContext, s: NodeIpamSettings = {}) {
    super(ctx, 1);
    this.cluster = s.clusterCIDR ?? '10.42.0.0/16';
    this.mask = s.nodeMaskBits ?? 24;
    this.count = subnetCount(this.cluster, this.mask);
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.nodes.addHandler({
      onAdd: (n) => this.observe(n),
      onUpdate: (_, n) => this.observe(n),
      onDelete: (n) => this.release(n.metadata?.name ?? ''),
    });
  }

  private observe(node: KObject): void {
    const name = node.metadata?.name ?? '';
    const cidr = podCidrOf(node);
    if (cidr) {
      const i = indexOf(this.cluster, this.mask, cidr);
      if (i !== undefined) this.hold(name, i);
      return;
    }
    this.enqueue(name);
  }

  private hold(name: string, i: number): void {
    if (this.used.get(name) === i) return;
    this.release(name);
    this.used.set(name, i);
    this.holders.set(i, (this.holders.get(i) ?? 0) + 1);
  }

  private release(name: string): void {
    const i = this.used.get(name);
    if (i === undefined) return;
    this.used.delete(name);
    const left = (this.holders.get(i) ?? 1) - 1;
    if (left > 0) this.holders.set(i, left);
    else {
      this.holders.delete(i);
      this.lowestFree = Math.min(this.lowestFree, i);
    }
  }

  /** The lowest free index; each index is stepped over once until one is released. */
  private freeIndex(): number | undefined {
    while (this.lowestFree < this.count && this.holders.has(this.lowestFree)) this.lowestFree++;
    return this.lowestFree < this.count ? this.lowestFree : undefined;
  }

  protected async sync(name: string): Promise<void> {
    const node = this.nodes.cache.getByName('', name);
    if (!node || podCidrOf(node) || node.metadata?.deletionTimestamp) return;
    const i = this.freeIndex();
    if (i === undefined) {
      this.ctx
        .recorder('node-controller')
        .event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return;
    }
    const cidr = subnetAt(this.cluster, this.mask, i)!;
    this.hold(name, i);
    try {
      await this.ctx.client
        .resource('', 'v1', 'nodes')
        .patch(undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
    } catch (err) {
      this.release(name);
      if (isNotFound(err)) return;
      if (isConflict(err)) return this.enqueue(name);
      throw err;
    }
  }
}
