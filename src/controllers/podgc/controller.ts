/**
 * The pod garbage collector: deletes (at once, grace period 0) terminated pods beyond
 * `terminatedPodThreshold` (default 12500; 0 turns this off), pods bound to a node that has
 * been missing for a quarantine (40 s; confirmed with the API server, then marked Failed
 * with a DisruptionTarget condition), and pods marked for deletion that were never
 * scheduled (marked Failed first). One work-queue key, `gc`: synced every 20 s, and at once
 * when terminated pods exceed the threshold, a pod is bound to an unknown node or marked for
 * deletion unscheduled, or a node is deleted. The clock is the context's.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { keyOf } from '../../client/cache.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { isTerminated, missingNodes, terminatedOverThreshold, unscheduledTerminating } from './select.js';

export const DEFAULT_TERMINATED_POD_THRESHOLD = 12500;
const KEY = 'gc';

export interface PodGcOptions {
  /** Terminated pods kept before the oldest are deleted (`--terminated-pod-gc-threshold`). */
  terminatedPodThreshold?: number;
  /** How long a node must be missing before its pods are deleted. */
  quarantineMs?: number;
  /** How often the whole pod list is checked. */
  periodMs?: number;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export class PodGcController extends QueueController {
  readonly name = 'podgc';
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly podClient: ResourceClient;
  private readonly threshold: number;
  private readonly quarantineMs: number;
  private readonly periodMs: number;
  /** Node names seen missing, and since when (by the controller's clock). */
  private readonly missingSince = new Map<string, number>();
  /** Keys of terminated pods, to notice cheaply when they exceed the threshold. */
  private readonly terminated = new Set<string>();

  constructor(ctx: ControllerContext, opts: PodGcOptions = {}) {
    super(ctx, 1);
    this.threshold = opts.terminatedPodThreshold ?? DEFAULT_TERMINATED_POD_THRESHOLD;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
    this.periodMs = opts.periodMs ?? 20_000;
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.podClient = ctx.client.resource('', 'v1', 'pods');
    const check = (p: KObject) => {
      const pod = p as Pod;
      const node = pod.spec?.nodeName;
      if (isTerminated(pod)) this.terminated.add(keyOf(p));
      else this.terminated.delete(keyOf(p));
      if (
        (this.threshold > 0 && this.terminated.size > this.threshold) ||
        (p.metadata?.deletionTimestamp && !node) ||
        (node && !this.nodes.cache.getByName('', node))
      ) {
        this.enqueue(KEY);
      }
    };
    this.pods.addHandler({
      onAdd: check,
      onUpdate: (_, p) => check(p),
      onDelete: (p) => this.terminated.delete(keyOf(p)),
    });
    // A node coming back is seen at the next sync; only a node going starts a quarantine.
    // (Syncing on every node added would list every pod and node once per node.)
    this.nodes.addHandler({ onDelete: () => this.enqueue(KEY) });
    this.enqueue(KEY);
  }

  protected async sync(): Promise<void> {
    const pods = this.pods.cache.list() as Pod[];
    let next = this.periodMs;
    try {
      for (const p of terminatedOverThreshold(pods, this.threshold)) await this.markFailedAndDelete(p);
      next = Math.min(next, await this.gcOrphaned(pods));
      for (const p of unscheduledTerminating(pods)) await this.markFailedAndDelete(p);
    } finally {
      this.queue.addAfter(KEY, next);
    }
  }

  /** Deletes pods of nodes missing for the whole quarantine. Returns when to look again. */
  private async gcOrphaned(pods: Pod[]): Promise<number> {
    const now = this.ctx.now();
    const existing = new Set(this.nodes.cache.keys());
    const missing = missingNodes(pods, existing);
    for (const n of this.missingSince.keys()) if (!missing.has(n)) this.missingSince.delete(n);
    let next = Number.POSITIVE_INFINITY;
    const gone = new Set<string>();
    for (const n of missing) {
      const since = this.missingSince.get(n) ?? now;
      this.missingSince.set(n, since);
      const left = since + this.quarantineMs - now;
      if (left > 0) {
        next = Math.min(next, left);
        continue;
      }
      try {
        await this.ctx.client.resource('', 'v1', 'nodes').get(undefined, n);
        this.missingSince.delete(n);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        gone.add(n);
      }
    }
    for (const p of pods) {
      if (!gone.has(p.spec?.nodeName ?? '')) continue;
      await this.markFailedAndDelete(p, {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByPodGC',
        message: 'PodGC: node no longer exists',
      });
    }
    return next;
  }

  private async markFailedAndDelete(p: Pod, cond?: Condition): Promise<void> {
    const ns = p.metadata?.namespace;
    const name = p.metadata?.name ?? '';
    try {
      if (!isTerminated(p)) {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (cond) status['conditions'] = [{ ...cond, lastTransitionTime: timestamp(this.ctx.now()) }];
        await this.podClient.patch(ns, name, { status }, 'strategic', { subresource: 'status' });
      }
      await this.podClient.delete(ns, name, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
