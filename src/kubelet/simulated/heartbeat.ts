/**
 * Registration and heartbeats of simulated nodes: each node creates its Node (with
 * status) and its Lease in kube-node-lease, renews the Lease every interval (plus up to
 * 4 % jitter; first renewals spread over the interval so thousands of nodes do not beat
 * in step), and writes its status when it differs from what the API holds or every
 * report period, as the kubelet does. A node that is down does nothing. A Node deleted by
 * someone is registered again. Every write goes through the shared Limiter.
 */
import type { Cache } from '../../client/cache.js';
import type { Client } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { IpPool } from './addresses.js';
import type { NodeShape } from './config.js';
import type { Limiter } from './limiter.js';
import {
  existingPodCIDR,
  LEASE_DURATION_SECONDS,
  LEASE_NAMESPACE,
  leaseObject,
  nodeObject,
  nodeStatus,
  statusNeedsUpdate,
} from './node-status.js';
import { isDown, type SimNode } from './sim-node.js';
import { microTime } from './time.js';

export interface HeartbeatContext {
  client: Client;
  nodes: Cache;
  limiter: Limiter;
  shape: NodeShape;
  /** Distinguishes boots (nodeInfo.bootID). */
  bootSeed: string;
  leaseRenewMs: number;
  statusReportMs: number;
  now: () => number;
  log: (msg: string) => void;
  /** Called once a node is registered (its pods can run). */
  onRegistered: (n: SimNode) => void;
  /** Sets when the node's next heartbeat is due. */
  schedule: (n: SimNode, at: number) => void;
  /** True once the simulator is shutting down: queued writes are dropped. */
  stopping: () => boolean;
}

class Stopping extends Error {}

export class Heartbeats {
  private readonly nodeApi;
  private readonly leaseApi;

  constructor(private readonly ctx: HeartbeatContext) {
    this.nodeApi = ctx.client.resource('', 'v1', 'nodes');
    this.leaseApi = ctx.client.resource('coordination.k8s.io', 'v1', 'leases');
  }

  /** Runs one API call through the Limiter, unless the simulator stops meanwhile. */
  private write<T>(f: () => Promise<T>): Promise<T> {
    return this.ctx.limiter.run(() => (this.ctx.stopping() ? Promise.reject(new Stopping()) : f()));
  }

  /** One heartbeat of `n`, then the next is scheduled. Never throws. */
  async beat(n: SimNode): Promise<void> {
    const { now, leaseRenewMs } = this.ctx;
    if (n.busy) return this.ctx.schedule(n, now() + 100);
    n.busy = true;
    let next = now() + leaseRenewMs * (1 + Math.random() * 0.04);
    try {
      if (!isDown(n)) {
        const first = !n.registered;
        await this.ensureRegistered(n);
        if (first) next = now() + Math.random() * leaseRenewMs;
        else await this.renewLease(n);
        await this.reportStatus(n);
      }
      n.failures = 0;
    } catch (err) {
      if (err instanceof Stopping || this.ctx.stopping()) return;
      n.failures++;
      next = now() + Math.min(leaseRenewMs, 200 * 2 ** Math.min(n.failures, 10));
      if (n.failures === 1 || n.failures % 10 === 0)
        this.ctx.log(`simulated node ${n.id.name}: heartbeat failed: ${(err as Error).message}`);
    } finally {
      n.busy = false;
    }
    this.ctx.schedule(n, next);
  }

  private async ensureRegistered(n: SimNode): Promise<void> {
    const { now } = this.ctx;
    const cached = this.ctx.nodes.getByName('', n.id.name);
    if (n.registered && (cached || now() - n.registeredAt < this.ctx.leaseRenewMs)) return;
    let node = cached;
    if (!node) {
      try {
        node = await this.write(() =>
          this.nodeApi.create(undefined, nodeObject(n.id, this.ctx.shape, this.ctx.bootSeed, now())),
        );
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        node = await this.write(() => this.nodeApi.get(undefined, n.id.name));
      }
    }
    this.adopt(n, node);
    try {
      await this.write(() => this.leaseApi.create(LEASE_NAMESPACE, leaseObject(n.id.name, n.uid, now())));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const wasRegistered = n.registered;
    n.registered = true;
    n.registeredAt = now();
    if (!wasRegistered) this.ctx.onRegistered(n);
  }

  private adopt(n: SimNode, node: KObject): void {
    n.uid = node.metadata?.uid;
    const cidr = existingPodCIDR(node) ?? n.id.podCIDR;
    if (!n.pool || n.pool.cidr !== cidr) {
      n.id.podCIDR = cidr;
      n.pool = new IpPool(cidr);
    }
  }

  private async renewLease(n: SimNode): Promise<void> {
    const { now } = this.ctx;
    const patch = {
      spec: {
        holderIdentity: n.id.name,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: microTime(now()),
      },
    };
    try {
      await this.write(() => this.leaseApi.patch(LEASE_NAMESPACE, n.id.name, patch));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.write(() => this.leaseApi.create(LEASE_NAMESPACE, leaseObject(n.id.name, n.uid, now())));
    }
  }

  private async reportStatus(n: SimNode): Promise<void> {
    const { now } = this.ctx;
    const cached = this.ctx.nodes.getByName('', n.id.name);
    if (!cached) return;
    const t = now();
    const desired = nodeStatus(n.id, this.ctx.shape, this.ctx.bootSeed, t, cached);
    if (!statusNeedsUpdate(cached, desired, t, this.ctx.statusReportMs)) return;
    await this.write(() =>
      this.nodeApi.patch(undefined, n.id.name, { status: desired }, 'merge', { subresource: 'status' }),
    );
  }
}
