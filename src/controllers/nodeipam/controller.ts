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
import { indexOf, subnetAt } from './cidrs.js';

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
  /** Indexes in use, by node name (including ranges written and not yet seen back). */
  private readonly used = new Map<string, number>();

  constructor(ctx: ControllerContext, s: NodeIpamSettings = {}) {
    super(ctx, 1);
    this.cluster = s.clusterCIDR ?? '10.42.0.0/16';
    this.mask = s.nodeMaskBits ?? 24;
    subnetAt(this.cluster, this.mask, 0);
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.nodes.addHandler({
      onAdd: (n) => this.observe(n),
      onUpdate: (_, n) => this.observe(n),
      onDelete: (n) => {
        this.used.delete(n.metadata?.name ?? '');
      },
    });
  }

  private observe(node: KObject): void {
    const name = node.metadata?.name ?? '';
    const cidr = podCidrOf(node);
    if (cidr) {
      const i = indexOf(this.cluster, this.mask, cidr);
      if (i !== undefined) this.used.set(name, i);
      return;
    }
    this.enqueue(name);
  }

  private freeIndex(): number | undefined {
    const taken = new Set(this.used.values());
    for (let i = 0; ; i++) {
      if (subnetAt(this.cluster, this.mask, i) === undefined) return undefined;
      if (!taken.has(i)) return i;
    }
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
    this.used.set(name, i);
    try {
      await this.ctx.client
        .resource('', 'v1', 'nodes')
        .patch(undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
    } catch (err) {
      this.used.delete(name);
      if (isNotFound(err)) return;
      if (isConflict(err)) return this.enqueue(name);
      throw err;
    }
  }
}
