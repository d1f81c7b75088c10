/**
 * The scheduler: watches pods, nodes, namespaces, PriorityClasses, and the claims,
 * volumes and StorageClasses that VolumeBinding reads, through informers,
 * queues the pods it is responsible for (no spec.nodeName, schedulerName
 * `default-scheduler` or empty), and for each one in turn decides a node on its cache,
 * assumes the pod there and binds it through `pods/NAME/binding` without waiting: many
 * binds are in flight while the next decisions are made (decisions are serialized on the
 * cache, which the assumed pods keep honest). Before the binding, the pod's unbound
 * WaitForFirstConsumer claims are annotated with the chosen node (VolumeBinding's
 * PreBind). A pod that fits nowhere gets its
 * PodScheduled condition set to False/Unschedulable with kube-scheduler's message and a
 * FailedScheduling event, may preempt lower-priority pods, and waits for a cluster event
 * that may help it. Bind failures forget the assumption and retry after a backoff.
 *
 * It does I/O only through the client it is given (writes go through PodWriter);
 * run(signal) runs until the signal aborts (the leader elector's term), then stops its
 * informers and timers.
 */
import { keyOf } from '../client/cache.js';
import type { Client } from '../client/client.js';
import { ApiStatusError } from '../client/errors.js';
import { dropManagedFields, Informer } from '../client/informer.js';
import type { EventRecorder } from '../controllers/framework/recorder.js';
import type { KObject } from '../registry/types.js';
import { Algorithm, type AlgorithmOptions } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import type { ClusterEvent } from './events.js';
import { fitErrorMessage, NO_NODES_MESSAGE } from './framework/diagnosis.js';
import { claimsToSelect, selectedNodePatch, type VolumeLister } from './plugins/volume-binding.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { PodWriter } from './pod-writer.js';
import { preempt } from './preemption.js';
import { type PriorityClasses, type PriorityClassInfo, priorityClassInfo } from './priority.js';
import { defaultProfile, type ProfileOptions } from './profile.js';
import { type QueuedPod, type QueueOptions, SchedulingQueue } from './queue.js';
import { nodeChangeMatters, podSpecChanged } from './watch-filters.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

type Obj = Record<string, unknown>;

export interface SchedulerOptions extends AlgorithmOptions, ProfileOptions, QueueOptions {
  client: Client;
  recorder: EventRecorder;
  log?: (msg: string) => void;
  schedulerName?: string;
  /** Binds in flight at once (default 256). */
  maxBindsInFlight?: number;
  /** Longest stretch of decisions before letting I/O run (default 20 ms). */
  sliceMs?: number;
}

export interface SchedulerStats {
  scheduled: number;
  unschedulable: number;
  bindErrors: number;
  preemptions: number;
  /** Milliseconds spent deciding (filters, scores, preemption). */
  decideMs: number;
  bindsInFlight: number;
}

function isAssigned(pod: KObject): boolean {
  return Boolean((pod['spec'] as Obj | undefined)?.['nodeName']);
}

function isFinished(pod: KObject): boolean {
  const phase = (pod['status'] as Obj | undefined)?.['phase'];
  return phase === 'Succeeded' || phase === 'Failed';
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = {
    scheduled: 0,
    unschedulable: 0,
    bindErrors: 0,
    preemptions: 0,
    decideMs: 0,
    bindsInFlight: 0,
  };
  private readonly algorithm: Algorithm;
  private readonly writer: PodWriter;
  private readonly podInformer: Informer;
  private readonly nodeInformer: Informer;
  private readonly nsInformer: Informer;
  private readonly pcInformer: Informer;
  private readonly pvcInformer: Informer;
  private readonly pvInformer: Informer;
  private readonly scInformer: Informer;
  private readonly volumes: VolumeLister;
  private readonly classes = new Map<string, PriorityClassInfo>();
  private readonly priorityClasses: PriorityClasses;
  private readonly schedulerName: string;
  private readonly log: (msg: string) => void;
  private slotWaiters: (() => void)[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.log ?? (() => {});
    this.schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.queue = new SchedulingQueue(opts);
    const client = opts.client;
    this.writer = new PodWriter(client, opts.recorder, this.schedulerName, this.log);
    const informer = (group: string, plural: string, fieldSelector?: string) =>
      new Informer(client.resource(group, 'v1', plural), {
        log: this.log,
        transform: dropManagedFields,
        ...(fieldSelector ? { fieldSelector } : {}),
      });
    this.podInformer = informer('', 'pods', 'status.phase!=Succeeded,status.phase!=Failed');
    this.nodeInformer = informer('', 'nodes');
    this.nsInformer = informer('', 'namespaces');
    this.pcInformer = informer('scheduling.k8s.io', 'priorityclasses');
    this.pvcInformer = informer('', 'persistentvolumeclaims');
    this.pvInformer = informer('', 'persistentvolumes');
    this.scInformer = informer('storage.k8s.io', 'storageclasses');
    this.volumes = {
      claim: (ns, name) => this.pvcInformer.cache.getByName(ns, name),
      volume: (name) => this.pvInformer.cache.get(name),
      storageClass: (name) => this.scInformer.cache.get(name),
      volumes: () => this.pvInformer.cache.list(),
    };
    this.algorithm = new Algorithm(defaultProfile({ ...opts, volumes: this.volumes }), opts);
    this.priorityClasses = {
      get: (name) => this.classes.get(name),
      globalDefault: () => {
        for (const c of this.classes.values()) if (c.globalDefault) return c;
        return undefined;
      },
    };
    this.wireHandlers();
  }

  private podInfo(pod: KObject): PodInfo {
    return newPodInfo(pod, this.priorityClasses);
  }

  private responsibleFor(pod: KObject): boolean {
    const name = (pod['spec'] as Obj | undefined)?.['schedulerName'];
    return name === undefined || name === '' || name === this.schedulerName;
  }

  private event(e: ClusterEvent): void {
    this.queue.moveOnEvent(e);
  }

  private wireHandlers(): void {
    this.pcInformer.addHandler({
      onAdd: (pc) => this.classes.set(pc.metadata?.name ?? '', priorityClassInfo(pc)),
      onUpdate: (_old, pc) => this.classes.set(pc.metadata?.name ?? '', priorityClassInfo(pc)),
      onDelete: (pc) => this.classes.delete(pc.metadata?.name ?? ''),
    });
    this.nsInformer.addHandler({
      onAdd: (ns) => this.cache.setNamespaceLabels(ns.metadata?.name ?? '', ns.metadata?.labels ?? {}),
      onUpdate: (_old, ns) =>
        this.cache.setNamespaceLabels(ns.metadata?.name ?? '', ns.metadata?.labels ?? {}),
      onDelete: (ns) => this.cache.setNamespaceLabels(ns.metadata?.name ?? '', undefined),
    });
    this.nodeInformer.addHandler({
      onAdd: (node) => {
        this.cache.setNode(node);
        this.event('NodeAdd');
      },
      onUpdate: (old, node) => {
        this.cache.setNode(node);
        if (nodeChangeMatters(old, node)) this.event('NodeUpdate');
      },
      onDelete: (node) => {
        this.cache.removeNode(node.metadata?.name ?? '');
        this.event('NodeDelete');
      },
    });
    const on = (inf: Informer, add: ClusterEvent, update: ClusterEvent) =>
      inf.addHandler({ onAdd: () => this.event(add), onUpdate: () => this.event(update) });
    on(this.pvcInformer, 'PvcAdd', 'PvcUpdate');
    on(this.pvInformer, 'PvAdd', 'PvUpdate');
    on(this.scInformer, 'StorageClassAdd', 'StorageClassUpdate');
    this.podInformer.addHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  private podAdded(pod: KObject): void {
    if (isAssigned(pod)) {
      this.cache.setBoundPod(this.podInfo(pod), isFinished(pod));
      this.event('AssignedPodAdd');
      return;
    }
    if (!this.responsibleFor(pod) || isFinished(pod)) return;
    // Assumed, with its binding in flight: the binding's outcome decides what happens next.
    if (this.cache.isAssumed(keyOf(pod))) return;
    const pi = this.podInfo(pod);
    if (pi.nominatedNodeName) this.cache.setNominated(pi, pi.nominatedNodeName);
    if (!pi.terminating) this.queue.add(pi);
  }

  private podUpdated(old: KObject, pod: KObject): void {
    if (isAssigned(pod)) {
      const key = keyOf(pod);
      if (!isAssigned(old)) this.queue.delete(key);
      this.cache.setBoundPod(this.podInfo(pod), isFinished(pod));
      this.event(isAssigned(old) ? 'AssignedPodUpdate' : 'AssignedPodAdd');
      return;
    }
    if (!this.responsibleFor(pod) || this.cache.isAssumed(keyOf(pod))) return;
    const pi = this.podInfo(pod);
    this.cache.setNominated(pi, pi.nominatedNodeName);
    if (pi.terminating || isFinished(pod)) {
      this.queue.delete(pi.key);
      return;
    }
    this.queue.update(pi, podSpecChanged(old, pod));
  }

  private podDeleted(pod: KObject): void {
    const key = keyOf(pod);
    if (isAssigned(pod) || this.cache.nodeOf(key) !== undefined) {
      this.cache.removePod(key);
      this.event('AssignedPodDelete');
      return;
    }
    this.queue.delete(key);
    const wasNominated = Boolean((pod['status'] as Obj | undefined)?.['nominatedNodeName']);
    this.cache.removeNominated(key);
    if (wasNominated) this.event('UnscheduledPodDelete');
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const informers = [
      this.pcInformer,
      this.nsInformer,
      this.pvcInformer,
      this.pvInformer,
      this.scInformer,
      this.nodeInformer,
      this.podInformer,
    ];
    // One child signal per informer: each adds its own abort listeners.
    const stops = informers.map(() => new AbortController());
    const stopAll = () => {
      for (const s of stops) s.abort();
    };
    signal.addEventListener('abort', stopAll, { once: true });
    const running = informers.map((i, n) => i.start(stops[n]!.signal));
    await Promise.all(informers.map((i, n) => i.waitForSync(stops[n]!.signal)));
    const timers = [
      setInterval(() => this.queue.flushBackoff(), 1000),
      setInterval(() => this.queue.flushUnschedulable(), 30_000),
    ];
    for (const t of timers) t.unref();
    const onAbort = () => {
      this.queue.close();
      for (const w of this.slotWaiters.splice(0)) w();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.log(`caches synced (${this.cache.numNodes} nodes); scheduling`);
    try {
      await this.loop(signal);
    } finally {
      for (const t of timers) clearInterval(t);
      signal.removeEventListener('abort', onAbort);
      stopAll();
      signal.removeEventListener('abort', stopAll);
      await Promise.all(running);
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const slice = this.opts.sliceMs ?? 20;
    const maxBinds = this.opts.maxBindsInFlight ?? 256;
    while (!signal.aborted) {
      await this.queue.wait(signal);
      let sliceStart = performance.now();
      for (;;) {
        if (signal.aborted) return;
        if (this.stats.bindsInFlight >= maxBinds) {
          await new Promise<void>((r) => this.slotWaiters.push(r));
          sliceStart = performance.now();
          continue;
        }
        const qp = this.queue.pop();
        if (!qp) break;
        this.scheduleOne(qp);
        if (performance.now() - sliceStart > slice) {
          // Let binds complete and informer events in before deciding more.
          await new Promise<void>((r) => setImmediate(r));
          sliceStart = performance.now();
        }
      }
    }
  }

  /** One scheduling attempt (synchronous; the bind or status write it starts runs on its own). */
  scheduleOne(qp: QueuedPod): void {
    const pi = qp.pi;
    if (pi.terminating || this.cache.nodeOf(pi.key) !== undefined) {
      this.queue.done(pi.key);
      return;
    }
    if (pi.gated) {
      this.writer.setCondition(
        pi,
        'SchedulingGated',
        'Scheduling is blocked due to non-empty scheduling gates',
        undefined,
      );
      this.queue.addUnschedulable(qp, new Set(['SchedulingGates']));
      return;
    }
    const t0 = performance.now();
    const decision = this.algorithm.schedule(this.cache, pi);
    if (decision.kind === 'fit') {
      this.stats.decideMs += performance.now() - t0;
      this.cache.assume(pi, decision.node.name);
      this.queue.done(pi.key);
      void this.bind(qp, decision.node.name);
      return;
    }
    this.stats.unschedulable++;
    if (decision.kind === 'noNodes') {
      this.stats.decideMs += performance.now() - t0;
      this.writer.failed(pi, 'Unschedulable', NO_NODES_MESSAGE);
      this.queue.addUnschedulable(qp, new Set());
      return;
    }
    const { diagnosis, numAllNodes, state, filters } = decision;
    const outcome = preempt(filters, state, diagnosis, numAllNodes, this.opts);
    this.stats.decideMs += performance.now() - t0;
    let nominate: string | null | undefined;
    if (outcome.kind === 'nominate') {
      nominate = outcome.node;
      this.stats.preemptions++;
      // The next attempt tries the nominated node first, even before the status write is seen.
      qp.pi = { ...pi, nominatedNodeName: outcome.node };
      this.cache.setNominated(qp.pi, outcome.node);
      this.writer.evict(pi, outcome.node, outcome.victims);
      for (const p of outcome.displaced) {
        this.cache.removeNominated(p.key);
        this.writer.clearNomination(p);
      }
    } else {
      diagnosis.postFilterMsg = outcome.message;
      if (pi.nominatedNodeName) {
        nominate = null;
        this.cache.removeNominated(pi.key);
      }
    }
    this.writer.failed(pi, 'Unschedulable', fitErrorMessage(numAllNodes, diagnosis), nominate);
    this.queue.addUnschedulable(qp, diagnosis.unschedulablePlugins);
  }

  private async bind(qp: QueuedPod, nodeName: string): Promise<void> {
    const pi = qp.pi;
    this.stats.bindsInFlight++;
    let step = 'PreBind plugin "VolumeBinding"';
    try {
      await this.preBindVolumes(pi.pod, nodeName);
      step = 'Bind plugin "DefaultBinder"';
      await this.writer.bind(pi, nodeName);
      this.stats.scheduled++;
      this.writer.bound(pi, nodeName);
    } catch (err) {
      this.stats.bindErrors++;
      this.cache.forget(pi.key);
      this.event('AssignedPodDelete');
      const binding = step.startsWith('Bind');
      const gone = binding && err instanceof ApiStatusError && err.code === 404;
      const taken = binding && err instanceof ApiStatusError && err.code === 409;
      const live = this.podInformer.cache.get(pi.key);
      if (gone || taken || !live || isAssigned(live)) return;
      this.log(`binding ${pi.key} to ${nodeName} failed: ${(err as Error).message}`);
      this.writer.failed(pi, 'SchedulerError', `running ${step}: ${(err as Error).message}`);
      // Updates seen while the pod was assumed were set aside: retry with the latest pod.
      qp.pi = this.podInfo(live);
      this.queue.addBackoff(qp);
    } finally {
      this.stats.bindsInFlight--;
      this.slotWaiters.shift()?.();
    }
  }

  /** VolumeBinding's PreBind: the pod's unbound WaitForFirstConsumer claims select the node. */
  private async preBindVolumes(pod: KObject, nodeName: string): Promise<void> {
    const claims = claimsToSelect(pod, this.volumes, nodeName);
    if (claims.length === 0) return;
    const pvcs = this.opts.client.resource('', 'v1', 'persistentvolumeclaims');
    for (const c of claims)
      await pvcs.patch(c.metadata?.namespace, c.metadata!.name!, selectedNodePatch(nodeName));
  }
}
