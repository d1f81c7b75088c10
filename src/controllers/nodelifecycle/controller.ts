/**
 * The node lifecycle controller: watches Nodes and their Leases in kube-node-lease. A node
 * not heard from (Lease renewal or Ready heartbeat) for the grace period
 * (--node-monitor-grace-period, default 40 s) gets its conditions set to Unknown, a
 * NodeNotReady event, and its pods marked not ready. Each node's taints follow its
 * conditions and spec.unschedulable (NoSchedule for each problem, and NoExecute
 * `unreachable` or `not-ready`, which taint-eviction.ts acts on); they go when the node
 * is healthy again. NoExecute taints are added at a limited rate per zone, slower when a
 * zone is largely down, and not at all when every zone is down (the controller then
 * assumes it is the one cut off, and lifts them).
 *
 * Level-triggered: a monitor pass every few seconds times each node and enqueues those
 * whose conditions or taints are not what they should be; sync(name) converges one node.
 */
import { isConflict } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import {
  evictionRate,
  type Grace,
  isStale,
  observe,
  type Probe,
  readyHeartbeat,
  TokenBucket,
  unknownConditions,
  zoneOf,
  zoneState,
} from './health.js';
import { addsNoExecute, conditionStatus, desiredTaints } from './taints.js';

type Obj = Record<string, unknown>;

export const LEASE_NAMESPACE = 'kube-node-lease';
export const NODE_NAME_INDEX = 'spec.nodeName';

export interface NodeLifecycleSettings {
  /** --node-monitor-grace-period (default 40 s). */
  gracePeriodMs?: number;
  /** For nodes that never posted status (default 60 s, at least the grace period). */
  startupGracePeriodMs?: number;
  /** How often every node is timed (default 5 s, less for short grace periods). */
  monitorPeriodMs?: number;
}

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function podNodeIndex(pods: Informer): void {
  pods.addIndexer(NODE_NAME_INDEX, (p) => {
    const n = (p['spec'] as Obj | undefined)?.['nodeName'];
    return typeof n === 'string' && n !== '' ? [n] : [];
  });
}

export class NodeLifecycleController extends QueueController {
  readonly name = 'nodelifecycle';
  private readonly nodes: Informer;
  private readonly leases: Informer;
  private readonly pods: Informer;
  private readonly grace: Grace;
  private readonly monitorMs: number;
  private readonly probes = new Map<string, Probe>();
  private readonly buckets = new Map<string, TokenBucket>();
  private allZonesDown = false;
  private readonly events: EventRecorder;

  constructor(ctx: ControllerContext, settings: NodeLifecycleSettings = {}) {
    super(ctx, 4);
    const graceMs = settings.gracePeriodMs ?? 40_000;
    this.grace = { graceMs, startupGraceMs: Math.max(settings.startupGracePeriodMs ?? 60_000, graceMs) };
    this.monitorMs = settings.monitorPeriodMs ?? Math.min(5_000, Math.max(100, Math.floor(graceMs / 4)));
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.leases = ctx.informers.informer('coordination.k8s.io', 'v1', 'leases');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    podNodeIndex(this.pods);
    this.events = ctx.recorder('node-controller');
    this.nodes.addHandler({
      onAdd: (n) => this.enqueue(n),
      onUpdate: (_, n) => this.enqueue(n),
      onDelete: (n) => this.probes.delete(n.metadata?.name ?? ''),
    });
  }

  override async run(signal: AbortSignal): Promise<void> {
    await this.ctx.informers.waitForSync(signal);
    if (signal.aborted) return;
    this.monitor();
    const timer = setInterval(() => this.monitor(), this.monitorMs);
    try {
      await super.run(signal);
    } finally {
      clearInterval(timer);
    }
  }

  private leaseRenew(name: string): string | undefined {
    const lease = this.leases.cache.getByName(LEASE_NAMESPACE, name);
    const t = (lease?.['spec'] as Obj | undefined)?.['renewTime'];
    return typeof t === 'string' ? t : undefined;
  }

  private probe(node: KObject, now: number): Probe {
    const name = node.metadata?.name ?? '';
    const p = observe(this.probes.get(name), this.leaseRenew(name), readyHeartbeat(node), now);
    this.probes.set(name, p);
    return p;
  }

  /** Times every node, works out each zone's state, and enqueues nodes that need changes. */
  private monitor(): void {
    const now = this.ctx.now();
    const nodes = this.nodes.cache.list();
    const zones = new Map<string, { ready: number; notReady: number }>();
    const seen = new Set<string>();
    for (const node of nodes) {
      seen.add(node.metadata?.name ?? '');
      this.probe(node, now);
      const z = zoneOf(node);
      const c = zones.get(z) ?? { ready: 0, notReady: 0 };
      if (conditionStatus(node, 'Ready') === 'True') c.ready++;
      else c.notReady++;
      zones.set(z, c);
    }
    for (const name of this.probes.keys()) if (!seen.has(name)) this.probes.delete(name);
    let allDown = zones.size > 0;
    for (const [z, c] of zones) {
      const state = zoneState(c.ready, c.notReady);
      if (state !== 'FullDisruption') allDown = false;
      const rate = evictionRate(state, c.ready + c.notReady);
      const bucket = this.buckets.get(z);
      if (bucket) bucket.setRate(rate, now);
      else this.buckets.set(z, new TokenBucket(rate, now));
    }
    if (allDown !== this.allZonesDown) {
      this.ctx.log(
        allDown
          ? 'nodelifecycle: every node is not ready; assuming this control plane is cut off: no NoExecute taints'
          : 'nodelifecycle: some nodes are ready again; NoExecute taints resume',
      );
    }
    this.allZonesDown = allDown;
    const stamp = rfc3339(now);
    for (const node of nodes) {
      const probe = this.probes.get(node.metadata?.name ?? '')!;
      const stale = isStale(node, probe, now, this.grace) && unknownConditions(node, stamp) !== undefined;
      if (stale || desiredTaints(node, stamp, this.allZonesDown ? 'clear' : 'normal')) this.enqueue(node);
    }
  }

  protected async sync(name: string): Promise<void> {
    try {
      await this.reconcile(name);
    } catch (err) {
      // Our cache was behind a write (ours or the kubelet's): look again once it catches up.
      if (!isConflict(err)) throw err;
      this.queue.addAfter(name, 200);
    }
  }

  private async reconcile(name: string): Promise<void> {
    let node = this.nodes.cache.getByName('', name);
    if (!node) return;
    const now = this.ctx.now();
    const stamp = rfc3339(now);
    const probe = this.probe(node, now);
    if (isStale(node, probe, now, this.grace)) {
      const conditions = unknownConditions(node, stamp);
      if (conditions) {
        const wasReady = conditionStatus(node, 'Ready') === 'True';
        const status = { ...((node['status'] as Obj | undefined) ?? {}), conditions };
        const api = this.ctx.client.resource('', 'v1', 'nodes');
        await api.updateStatus({ ...node, apiVersion: 'v1', kind: 'Node', status });
        // Read it back: the taints are written over this version (the status endpoint's
        // answer is not relied on for the new resourceVersion).
        node = await api.get(undefined, name);
        this.ctx.log(`nodelifecycle: node ${name} stopped posting status; its conditions are now Unknown`);
        if (wasReady) {
          this.events.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
          await this.markPodsNotReady(name, stamp);
        }
      }
    }
    let taints = desiredTaints(node, stamp, this.allZonesDown ? 'clear' : 'normal');
    let token: TokenBucket | undefined;
    if (taints && addsNoExecute(node, taints)) {
      const bucket = this.bucket(zoneOf(node), now);
      const wait = bucket.take(now);
      if (wait > 0) {
        taints = desiredTaints(node, stamp, 'hold');
        this.queue.addAfter(name, Math.min(wait, this.monitorMs));
      } else token = bucket;
    }
    if (!taints) return;
    const spec: Obj = { ...((node['spec'] as Obj | undefined) ?? {}) };
    if (taints.length > 0) spec['taints'] = taints;
    else delete spec['taints'];
    try {
      await this.ctx.client
        .resource('', 'v1', 'nodes')
        .update({ ...node, apiVersion: 'v1', kind: 'Node', spec });
    } catch (err) {
      token?.refund();
      throw err;
    }
  }

  private bucket(zone: string, now: number): TokenBucket {
    let b = this.buckets.get(zone);
    if (!b) {
      b = new TokenBucket(evictionRate('Normal', 0), now);
      this.buckets.set(zone, b);
    }
    return b;
  }

  /** Sets the Ready condition of the node's pods to False, as upstream's MarkPodsNotReady. */
  private async markPodsNotReady(node: string, stamp: string): Promise<void> {
    const api = this.ctx.client.resource('', 'v1', 'pods');
    for (const pod of this.pods.cache.byIndex(NODE_NAME_INDEX, node)) {
      const status = (pod['status'] as Obj | undefined) ?? {};
      const conds = (status['conditions'] as Obj[] | undefined) ?? [];
      if (!conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True')) continue;
      const conditions = conds.map((c) =>
        c['type'] === 'Ready' ? { ...c, status: 'False', lastTransitionTime: stamp } : c,
      );
      try {
        await api.updateStatus({ ...pod, apiVersion: 'v1', kind: 'Pod', status: { ...status, conditions } });
        this.events.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        this.ctx.log(
          `nodelifecycle: marking pod ${pod.metadata?.namespace}/${pod.metadata?.name} not ready: ${(err as Error).message}`,
        );
      }
    }
  }
}
