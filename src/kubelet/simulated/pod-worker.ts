/**
 * The pods of simulated nodes: one shared pod informer (indexed by spec.nodeName) feeds a
 * keyed work queue; sync(key) advances the pod's simulated runtime to now, writes the
 * resulting status through pods/status when it differs from the API's, deletes the pod
 * (grace 0, guarded by its uid) once it has stopped for deletion, and asks the shared
 * timer to look again when the next transition is due. Pods of other nodes, and of
 * nodes that are down, are left alone.
 */
import type { Client } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { Limiter } from './limiter.js';
import { adoptRuntime } from './pod-adopt.js';
import {
  isTerminal,
  type MachineConfig,
  newRuntime,
  type PodRuntime,
  rejectedRuntime,
  step,
} from './pod-runtime.js';
import { podStatus } from './pod-status.js';
import { isDown, type SimNode } from './sim-node.js';

type Obj = Record<string, unknown>;

export const NODE_NAME_INDEX = 'spec.nodeName';

export function nodeNameOf(pod: KObject): string {
  const n = (pod['spec'] as Obj | undefined)?.['nodeName'];
  return typeof n === 'string' ? n : '';
}

export interface PodWorkerContext {
  client: Client;
  pods: Informer;
  nodes: Map<string, SimNode>;
  limiter: Limiter;
  machine: MachineConfig;
  maxPods: number;
  now: () => number;
  log: (msg: string) => void;
  /** Asks for sync(key) at `at` (undefined: no wake-up needed). */
  wakeAt: (key: string, at: number | undefined) => void;
}

interface Entry {
  rt: PodRuntime;
  node: string;
  /** The status last written, and the resourceVersion it was written over (cache lag). */
  written?: { over: string; status: Obj };
  badPlan?: string;
}

export class PodWorker {
  private readonly queue = new WorkQueue(5, 5_000);
  private readonly entries = new Map<string, Entry>();
  private readonly api;

  constructor(private readonly ctx: PodWorkerContext) {
    this.api = ctx.client.resource('', 'v1', 'pods');
    ctx.pods.addHandler({
      onAdd: (p) => this.maybeEnqueue(p),
      onUpdate: (_, p) => this.maybeEnqueue(p),
      onDelete: (p) => this.maybeEnqueue(p),
    });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Looks again at every pod bound to `node` (it came up, or was registered). */
  enqueueNode(node: string): void {
    for (const p of this.ctx.pods.cache.byIndex(NODE_NAME_INDEX, node)) this.maybeEnqueue(p);
  }

  get size(): number {
    return this.entries.size;
  }

  async run(signal: AbortSignal, workers = 16): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    if (signal.aborted) return;
    await runWorkers(
      this.queue,
      workers,
      (k) => this.sync(k),
      (k, err) => {
        if (!isConflict(err)) this.ctx.log(`simulated pod ${k}: ${(err as Error).message}`);
      },
    );
  }

  private maybeEnqueue(pod: KObject): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (this.ctx.nodes.has(nodeNameOf(pod)) || this.entries.has(key)) this.queue.add(key);
  }

  private release(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    const n = this.ctx.nodes.get(e.node);
    if (n) {
      n.pods.delete(key);
      if (e.rt.podIP) n.pool?.release(e.rt.podIP);
    }
    this.ctx.wakeAt(key, undefined);
  }

  private async sync(key: string): Promise<void> {
    const pod = this.ctx.pods.cache.get(key);
    let e = this.entries.get(key);
    if (!pod) return this.release(key);
    const nodeName = nodeNameOf(pod);
    if (e && (e.rt.uid !== pod.metadata?.uid || e.node !== nodeName)) {
      this.release(key);
      e = undefined;
    }
    const n = this.ctx.nodes.get(nodeName);
    if (!n || isDown(n) || !n.registered || !n.pool) return;
    const now = this.ctx.now();
    if (!e) {
      const started = this.start(key, pod, n, now);
      if (started === 'delete') return this.delete(key, pod);
      if (!started) return;
      e = started;
    }
    const res = step(e.rt, pod, now, this.ctx.machine);
    if (isTerminal(e.rt.phase)) n.pods.delete(key);
    if (e.rt.plans.error && e.badPlan !== e.rt.plans.value) {
      e.badPlan = e.rt.plans.value;
      this.ctx.log(`simulated pod ${key}: ignoring annotation: ${e.rt.plans.error}`);
    }
    const status = podStatus(e.rt, pod, now);
    const rv = pod.metadata?.resourceVersion ?? '';
    // Once the cache holds a newer pod than the one written over, the written status is
    // either in it or superseded: keep no copy of it (one per pod adds up at scale).
    if (e.written && e.written.over !== rv) e.written = undefined;
    const current = e.written ? e.written.status : pod['status'];
    if (!deepEqual(current, status)) {
      try {
        await this.ctx.limiter.run(() =>
          this.api.updateStatus({ ...pod, apiVersion: 'v1', kind: 'Pod', status }),
        );
        e.written = { over: rv, status };
      } catch (err) {
        if (isNotFound(err)) return this.release(key);
        throw err;
      }
    }
    if (res.remove) return this.delete(key, pod);
    this.ctx.wakeAt(key, res.wakeAt);
  }

  /** A runtime for a pod seen for the first time: adopted, new, or rejected; 'delete' if it never ran. */
  private start(key: string, pod: KObject, n: SimNode, now: number): Entry | 'delete' | undefined {
    const status = (pod['status'] as Obj | undefined) ?? {};
    const phase = status['phase'];
    let rt = adoptRuntime(pod, n.id.internalIP, now, this.ctx.machine);
    if (!rt && pod.metadata?.deletionTimestamp) return 'delete';
    if (!rt && (phase === 'Succeeded' || phase === 'Failed')) return undefined;
    if (rt) {
      n.pool!.reserve(rt.podIP);
    } else {
      const ip = n.pods.size < this.ctx.maxPods ? n.pool!.allocate() : undefined;
      if (ip) rt = newRuntime(pod, n.id.internalIP, ip, now);
      else {
        const used = n.pods.size;
        const message = `Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: ${used}, capacity: ${this.ctx.maxPods}`;
        rt = rejectedRuntime(pod, 'OutOfpods', message, now);
      }
    }
    if (!isTerminal(rt.phase)) n.pods.add(key);
    const e: Entry = { rt, node: n.id.name };
    this.entries.set(key, e);
    return e;
  }

  private async delete(key: string, pod: KObject): Promise<void> {
    const uid = pod.metadata?.uid;
    try {
      await this.ctx.limiter.run(() =>
        this.api.delete(pod.metadata?.namespace, pod.metadata?.name ?? '', {
          gracePeriodSeconds: 0,
          ...(uid ? { preconditions: { uid } } : {}),
        }),
      );
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    this.ctx.wakeAt(key, undefined);
  }
}
