/**
 * The Job controller: runs each Job's pods to completion (sync.ts) from the Job and pod
 * informers. Pod events wake the Job that controls the pod and settle its expectations;
 * pods that still carry the tracking finalizer but whose Job is gone or finished are
 * queued on their own (`orphan-pod:` keys) to have the finalizer removed. The pod failure
 * backoff is injectable; the clock is the context's.
 */
import { keyOf, splitKey } from '../../client/cache.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { CONTROLLER_INDEX, controllerIndex, controllerRefOf, refersTo } from '../framework/owner.js';
import { asPod, podKey } from '../framework/pods.js';
import { type BackoffPolicy, DEFAULT_POD_FAILURE_BACKOFF } from './backoff.js';
import { claimPods, selectorMatcher } from './claim.js';
import { asJob, isFinished } from './conditions.js';
import { FinalizerExpectations } from './expectations.js';
import { REMOVE_FINALIZER_PATCH } from './pod-actions.js';
import { hasTrackingFinalizer } from './pods.js';
import type { JobEnv } from './state.js';
import { syncJob } from './sync.js';

const ORPHAN = 'orphan-pod:';

export interface JobControllerOptions {
  /** Delay before re-creating pods after failures (default 10 s doubling to 6 min). */
  podFailureBackoff?: BackoffPolicy;
  workers?: number;
}

export class JobController extends QueueController {
  readonly name = 'job';
  private readonly jobs: Informer;
  private readonly pods: Informer;
  private readonly env: JobEnv;

  constructor(ctx: ControllerContext, opts: JobControllerOptions = {}) {
    super(ctx, opts.workers ?? 5);
    this.jobs = ctx.informers.informer('batch', 'v1', 'jobs');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.pods.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.env = {
      jobs: ctx.client.resource('batch', 'v1', 'jobs'),
      pods: ctx.client.resource('', 'v1', 'pods'),
      recorder: ctx.recorder('job-controller'),
      now: ctx.now,
      expectations: new Expectations(ctx.now),
      finalizers: new FinalizerExpectations(),
      backoffs: new Map(),
      backoffPolicy: opts.podFailureBackoff ?? DEFAULT_POD_FAILURE_BACKOFF,
    };
    this.jobs.addHandler({
      onAdd: (j) => this.enqueue(j),
      onUpdate: (_, j) => {
        this.enqueue(j);
        // Finished Jobs leave no finalizer behind (a backup of the sync's own removal).
        if (isFinished(j)) this.cleanupFinalizers(j);
      },
      onDelete: (j) => {
        this.enqueue(j);
        this.cleanupFinalizers(j);
      },
    });
    this.pods.addHandler({
      onAdd: (p) => this.podAdded(p),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (p) => this.podDeleted(p, true),
    });
  }

  /** The Job a controller reference points to, if it is in the cache with that UID. */
  private resolve(namespace: string, pod: KObject): KObject | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || !refersTo(ref, 'batch', 'Job')) return undefined;
    const job = this.jobs.cache.getByName(namespace, ref.name);
    return job?.metadata?.uid === ref.uid ? job : undefined;
  }

  private enqueueOrphan(pod: KObject): void {
    this.queue.add(ORPHAN + keyOf(pod));
  }

  /** Jobs of the pod's namespace whose selector may adopt it. */
  private enqueueAdopters(pod: KObject): void {
    for (const j of this.jobs.cache.byIndex('namespace', pod.metadata?.namespace ?? '')) {
      if (selectorMatcher(asJob(j))(asPod(pod))) this.enqueue(j);
    }
  }

  private podAdded(pod: KObject): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod, false);
    if (controllerRefOf(pod)) {
      const job = this.resolve(pod.metadata?.namespace ?? '', pod);
      if (!job) return;
      this.env.expectations.creationObserved(keyOf(job));
      this.enqueue(job);
      return;
    }
    if (hasTrackingFinalizer(asPod(pod))) this.enqueueOrphan(pod);
    this.enqueueAdopters(pod);
  }

  private podUpdated(old: KObject, cur: KObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.podDeleted(cur, false);
    const ns = cur.metadata?.namespace ?? '';
    const uid = cur.metadata?.uid ?? '';
    const finalizerGone = !hasTrackingFinalizer(asPod(cur));
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const job = this.resolve(ns, old);
      if (job) {
        if (finalizerGone) this.env.finalizers.observed(keyOf(job), uid);
        this.enqueue(job);
      }
    }
    if (curRef) {
      const job = this.resolve(ns, cur);
      if (!job) return;
      if (finalizerGone) this.env.finalizers.observed(keyOf(job), uid);
      this.enqueue(job);
      return;
    }
    if (!finalizerGone) this.enqueueOrphan(cur);
    const labelsChanged =
      JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || refChanged) this.enqueueAdopters(cur);
  }

  /** `final`: the pod is gone; otherwise it was marked for deletion. */
  private podDeleted(pod: KObject, final: boolean): void {
    const tracked = hasTrackingFinalizer(asPod(pod));
    if (!controllerRefOf(pod)) {
      if (tracked) this.enqueueOrphan(pod);
      return;
    }
    const job = this.resolve(pod.metadata?.namespace ?? '', pod);
    if (!job || isFinished(job)) {
      if (tracked) this.enqueueOrphan(pod);
      return;
    }
    const key = keyOf(job);
    this.env.expectations.deletionObserved(key, podKey(asPod(pod)));
    if (final || !tracked) this.env.finalizers.observed(key, pod.metadata?.uid ?? '');
    this.enqueue(job);
  }

  private cleanupFinalizers(job: KObject): void {
    for (const p of this.pods.cache.byIndex(CONTROLLER_INDEX, job.metadata?.uid ?? '')) {
      if (hasTrackingFinalizer(asPod(p))) this.enqueueOrphan(p);
    }
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith(ORPHAN)) return this.syncOrphan(key.slice(ORPHAN.length));
    const job = this.jobs.cache.get(key);
    if (!job) {
      this.env.expectations.delete(key);
      this.env.finalizers.forget(key);
      this.env.backoffs.delete(key);
      return;
    }
    if (isFinished(job)) {
      this.env.backoffs.delete(key);
      return;
    }
    const mode = (job as { spec?: { completionMode?: string } }).spec?.completionMode ?? 'NonIndexed';
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.env.recorder.event(
        job,
        'Warning',
        'UnknownCompletionMode',
        'Skipped Job sync because completion mode is unknown',
      );
      return;
    }
    const managedBy = (job as { spec?: { managedBy?: string } }).spec?.managedBy;
    if (managedBy && managedBy !== 'kubernetes.io/job-controller') return;
    // Read expectations before the pods, so that a pod seen after this point defers the sync.
    const satisfied = this.env.expectations.satisfied(key);
    const pods = await claimPods(this.env.jobs, this.env.pods, this.pods, asJob(job));
    const requeue = await syncJob(this.env, key, job, pods, satisfied);
    if (requeue !== undefined) this.queue.addAfter(key, requeue);
  }

  private async syncOrphan(key: string): Promise<void> {
    const pod = this.pods.cache.get(key);
    if (!pod || !hasTrackingFinalizer(asPod(pod))) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolve(pod.metadata?.namespace ?? '', pod);
      // Still owned by a running Job: its sync removes the finalizer when it counts the pod.
      if (job && !isFinished(job)) return;
    }
    const { namespace, name } = splitKey(key);
    try {
      await this.env.pods.patch(namespace, name, REMOVE_FINALIZER_PATCH, 'strategic');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
