/**
 * A real node's presence in the API: registers its Node (or takes over an existing one
 * of the same name, refreshing labels and status), waits for its pod range, renews its
 * Lease in kube-node-lease every 10 s and writes its status when it changed or at least
 * every minute. A Node deleted by someone is registered again. Nothing here throws out of
 * run(): failures are logged and retried at the next beat.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { LEASE_NAMESPACE, leaseObject, statusNeedsUpdate } from '../simulated/node-status.js';
import type { MachineFacts } from './machine.js';
import {
  type EvictionReserve,
  type NodeHealth,
  type NodeIdentity,
  nodeLabels,
  realNodeStatus,
} from './status.js';

type Obj = Record<string, unknown>;

export interface NodeAgentOptions {
  client: Client;
  identity: NodeIdentity;
  machine: MachineFacts;
  runtimeVersion: string;
  health: () => NodeHealth;
  images: () => Promise<Obj[]>;
  log: (m: string) => void;
  /** Taints to register with (e.g. none; a control-plane-only node would add NoSchedule). */
  taints?: Obj[];
  /** Kept back from allocatable by the hard eviction thresholds (default 100Mi memory, 10 % disk). */
  evictionReserve?: EvictionReserve;
  leaseRenewMs?: number;
  statusReportMs?: number;
}

export class NodeAgent {
  private readonly nodes;
  private readonly leases;
  private nodeUid: string | undefined;
  private last: KObject | undefined;

  constructor(private readonly o: NodeAgentOptions) {
    this.nodes = o.client.resource('', 'v1', 'nodes');
    this.leases = o.client.resource('coordination.k8s.io', 'v1', 'leases');
  }

  get name(): string {
    return this.o.identity.name;
  }

  private async status(current?: KObject): Promise<Obj> {
    return realNodeStatus(
      this.o.identity,
      this.o.machine,
      this.o.runtimeVersion,
      this.o.health(),
      await this.o.images().catch(() => []),
      Date.now(),
      current,
      this.o.evictionReserve,
    );
  }

  /** Creates the Node, or adopts the existing one. Returns the Node as the API has it. */
  async register(): Promise<KObject> {
    const id = this.o.identity;
    const labels = nodeLabels(id.name, id.labels);
    const node: KObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: id.name,
        labels,
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: this.o.taints?.length ? { taints: this.o.taints } : {},
      status: await this.status(),
    };
    let out: KObject;
    try {
      out = await this.nodes.create(undefined, node);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      out = await this.nodes.patch(undefined, id.name, { metadata: { labels } }, 'strategic');
      out = await this.nodes.updateStatus({ ...out, status: await this.status(out) });
    }
    this.nodeUid = out.metadata?.uid;
    this.last = out;
    this.o.log(`node ${id.name} registered`);
    return out;
  }

  /** The node's pod range, once the node IPAM controller (or an admin) has set it. */
  async waitForPodCIDR(signal: AbortSignal): Promise<string> {
    let told = false;
    for (;;) {
      signal.throwIfAborted();
      const node = await this.nodes.get(undefined, this.name).catch(() => undefined);
      const cidr = (node?.['spec'] as Obj | undefined)?.['podCIDR'];
      if (typeof cidr === 'string' && cidr) return cidr;
      if (!told) this.o.log(`node ${this.name}: waiting for a pod CIDR (spec.podCIDR)`);
      told = true;
      await sleep(500, undefined, { signal });
    }
  }

  /** Beats until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const every = this.o.leaseRenewMs ?? 10_000;
    while (!signal.aborted) {
      try {
        await this.beat();
      } catch (err) {
        if (!signal.aborted) this.o.log(`node ${this.name}: heartbeat: ${(err as Error).message}`);
      }
      await sleep(every, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Writes the status now if it changed (the pod worker calls this when readiness changes). */
  async beat(): Promise<void> {
    let current: KObject;
    try {
      current = await this.nodes.get(undefined, this.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      current = await this.register();
    }
    this.nodeUid = current.metadata?.uid;
    await this.renewLease();
    const desired = await this.status(current);
    if (statusNeedsUpdate(current, desired, Date.now(), this.o.statusReportMs ?? 60_000))
      this.last = await this.nodes.updateStatus({ ...current, status: desired });
  }

  private async renewLease(): Promise<void> {
    const lease = leaseObject(this.name, this.nodeUid, Date.now());
    try {
      const cur = await this.leases.get(LEASE_NAMESPACE, this.name);
      await this.leases.update({ ...cur, spec: { ...(cur['spec'] as Obj), ...(lease['spec'] as Obj) } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.leases.create(LEASE_NAMESPACE, lease).catch((e: unknown) => {
        if (!isAlreadyExists(e)) throw e;
      });
    }
  }

  get lastKnown(): KObject | undefined {
    return this.last;
  }
}
