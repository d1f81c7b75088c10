/**
 * The StatefulSet controller: pods with stable names, identities and claims, created in
 * ordinal order and removed in reverse (plan.ts decides, pod-control.ts writes), a
 * ControllerRevision per template version (current and update revision, partitioned
 * rolling updates, OnDelete), and the status kubectl reads. Handlers only enqueue keys
 * and mark expectations observed; sync reads the caches, claims the set's pods and
 * revisions (adopting orphans that match, releasing those that no longer do), converges
 * and writes status.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import {
  type LabelSelector,
  type LabelSelectorObject,
  labelSelectorFromObject,
} from '../../api/selectors/index.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { claimObjects, recheckOwner } from '../framework/claim.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { ownedPodHandlers } from '../framework/owned-pods.js';
import {
  CONTROLLER_INDEX,
  controllerIndex,
  controllerRefOf,
  newControllerRef,
  orphanIndexValue,
  refersTo,
} from '../framework/owner.js';
import { asPod, msUntilAvailable, type Pod } from '../framework/pods.js';
import { type Revision, templateOf, templatePatch } from '../history/revision.js';
import { RevisionStore } from '../history/store.js';
import { isMemberOf } from './identity.js';
import { planSync } from './plan.js';
import { StatefulPodControl } from './pod-control.js';
import { PlanRunner } from './run-plan.js';
import {
  completeRollingUpdate,
  computeStatus,
  isRunningAndReady,
  revisionOf,
  statusChanged,
} from './status.js';

const KIND = 'StatefulSet';

function asSet(o: KObject): StatefulSet {
  return o as unknown as StatefulSet;
}

export class StatefulSetController extends QueueController {
  readonly name = 'statefulset';
  private readonly sets: Informer;
  private readonly pods: Informer;
  private readonly revisions: Informer;
  private readonly claims: Informer;
  /** Creations per set key, deletions per `<set key>/delete` (a sync may do both). */
  private readonly expectations: Expectations;
  private readonly runner: PlanRunner;
  private readonly history: RevisionStore;

  constructor(ctx: ControllerContext, workers = 5) {
    super(ctx, workers);
    this.expectations = new Expectations(ctx.now);
    this.sets = ctx.informers.informer('apps', 'v1', 'statefulsets');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.revisions = ctx.informers.informer('apps', 'v1', 'controllerrevisions');
    this.claims = ctx.informers.informer('', 'v1', 'persistentvolumeclaims');
    this.pods.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.revisions.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.history = new RevisionStore(ctx.client.resource('apps', 'v1', 'controllerrevisions'));
    const podControl = new StatefulPodControl(
      ctx.client,
      ctx.recorder('statefulset-controller'),
      (ns, name) => this.claims.cache.getByName(ns, name) as PersistentVolumeClaim | undefined,
    );
    this.runner = new PlanRunner(podControl, this.expectations);
    this.sets.addHandler({
      onAdd: (o) => this.enqueue(o),
      onUpdate: (_, o) => this.enqueue(o),
      onDelete: (o) => {
        this.forget(`${o.metadata?.namespace}/${o.metadata?.name}`);
        this.enqueue(o);
      },
    });
    this.pods.addHandler(
      ownedPodHandlers({
        resolve: (ns, ref) => this.resolve(ns, ref),
        selecting: (pod) => this.selecting(pod as KObject),
        enqueue: (o) => this.enqueue(o),
        expectations: this.expectations,
        deletionKey: (key) => `${key}/delete`,
        availability: {
          minReadySeconds: (set) => asSet(set).spec?.minReadySeconds ?? 0,
          isReady: isRunningAndReady,
        },
        addAfter: (key, ms) => this.queue.addAfter(key, ms),
      }),
    );
    const revisionChanged = (r: KObject) => {
      const owner = this.resolve(r.metadata?.namespace ?? '', controllerRefOf(r));
      if (owner) this.enqueue(owner);
      else if (!controllerRefOf(r)) for (const s of this.selecting(r, false)) this.enqueue(s);
    };
    this.revisions.addHandler({
      onAdd: revisionChanged,
      onUpdate: (_, r) => revisionChanged(r),
      onDelete: revisionChanged,
    });
  }

  private forget(key: string): void {
    this.expectations.delete(key);
    this.expectations.delete(`${key}/delete`);
  }

  private satisfied(key: string): boolean {
    return this.expectations.satisfied(key) && this.expectations.satisfied(`${key}/delete`);
  }

  private resolve(namespace: string, ref: OwnerReference | undefined): KObject | undefined {
    if (!ref || !refersTo(ref, 'apps', KIND)) return undefined;
    const set = this.sets.cache.getByName(namespace, ref.name);
    return set?.metadata?.uid === ref.uid ? set : undefined;
  }

  /** The sets of the object's namespace whose selector matches it (for orphans); pods must also be members by name. */
  private selecting(obj: KObject, isPod = true): KObject[] {
    return this.sets.cache.byIndex('namespace', obj.metadata?.namespace ?? '').filter((s) => {
      const sel = selectorOf(asSet(s));
      return sel?.matches(obj.metadata?.labels) && (!isPod || isMemberOf(asSet(s), obj as Pod));
    });
  }

  /** The pods (or revisions) the set owns after adopting and releasing. */
  private async claim(
    set: StatefulSet,
    informer: Informer,
    selector: LabelSelector,
    member: (o: KObject) => boolean,
    plural: 'pods' | 'controllerrevisions',
  ): Promise<KObject[]> {
    const m = set.metadata ?? {};
    const candidates = [
      ...informer.cache.byIndex(CONTROLLER_INDEX, m.uid ?? ''),
      ...informer.cache.byIndex(CONTROLLER_INDEX, orphanIndexValue(m.namespace ?? '')),
    ];
    const setsClient = this.ctx.client.resource('apps', 'v1', 'statefulsets');
    return claimObjects(candidates, {
      owner: set as KObject,
      ref: newControllerRef(set as KObject, 'apps/v1', KIND),
      matches: (o) => selector.matches(o.metadata?.labels) && member(o),
      client: this.ctx.client.resource(plural === 'pods' ? '' : 'apps', 'v1', plural),
      canAdopt: recheckOwner(setsClient, set as KObject, KIND),
    });
  }

  protected async sync(key: string): Promise<void> {
    const obj = this.sets.cache.get(key);
    if (!obj) return this.forget(key);
    const set = asSet(obj);
    const selector = selectorOf(set);
    if (!selector) {
      this.ctx.log(`statefulset: ${key} has an invalid selector`);
      return;
    }
    if (!this.satisfied(key)) return;
    const pods = (await this.claim(set, this.pods, selector, (o) => isMemberOf(set, o as Pod), 'pods')).map(
      asPod,
    );
    const owned = (await this.claim(
      set,
      this.revisions,
      selector,
      () => true,
      'controllerrevisions',
    )) as Revision[];
    const ref = newControllerRef(obj, 'apps/v1', KIND);

    const now = this.ctx.now();
    if (set.metadata?.deletionTimestamp) {
      const s = set.status;
      const names = {
        current: s?.currentRevision ?? '',
        update: s?.updateRevision ?? '',
        collisionCount: s?.collisionCount ?? 0,
      };
      await this.writeStatus(set, computeStatus(set, pods, names, now));
      return;
    }
    const ensured = await this.history.ensure(
      owned,
      {
        owner: obj,
        ref,
        templateLabels: set.spec?.template?.metadata?.labels,
        annotations: set.metadata?.annotations,
        data: templatePatch(set.spec?.template),
      },
      set.status?.collisionCount ?? 0,
    );
    const update = ensured.revision;
    const current = owned.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    const names = {
      current: current.metadata?.name ?? '',
      update: update.metadata?.name ?? '',
      collisionCount: ensured.collisionCount,
    };

    const plan = planSync({
      set,
      pods,
      currentRevision: names.current,
      updateRevision: names.update,
      now,
      claim: (name) =>
        this.claims.cache.getByName(set.metadata?.namespace ?? '', name) as PersistentVolumeClaim | undefined,
    });
    const templates = {
      current: (templateOf(current) ?? set.spec?.template ?? {}) as PodTemplateSpec,
      update: (templateOf(update) ?? set.spec?.template ?? {}) as PodTemplateSpec,
    };
    let error: unknown;
    let replaced = 0;
    try {
      replaced = await this.runner.run(key, set, plan.batches, { names, templates, ref });
    } catch (err) {
      error = err;
    }

    let status = computeStatus(set, pods, names, now);
    status = completeRollingUpdate(set, {
      ...status,
      currentReplicas: (status.currentReplicas ?? 0) - replaced,
    });
    await this.writeStatus(set, status);

    const live = new Set<string>([names.current, names.update, ...pods.map(revisionOf)]);
    const all = owned.some((r) => r.metadata?.name === update.metadata?.name) ? owned : [...owned, update];
    await this.history.prune(
      all,
      (r) => live.has(r.metadata?.name ?? ''),
      set.spec?.revisionHistoryLimit ?? 10,
    );
    if (error) throw error;

    const minReady = set.spec?.minReadySeconds ?? 0;
    const waits = pods
      .map((p) => msUntilAvailable(p, minReady, now))
      .filter((ms): ms is number => ms !== undefined);
    if (waits.length > 0) this.queue.addAfter(key, Math.min(...waits));
  }

  private async writeStatus(set: StatefulSet, status: NonNullable<StatefulSet['status']>): Promise<void> {
    if (!statusChanged(set, status)) return;
    const m = set.metadata ?? {};
    await this.ctx.client
      .resource('apps', 'v1', 'statefulsets')
      .patch(m.namespace, m.name!, { status }, 'merge', { subresource: 'status' });
  }
}

function selectorOf(set: StatefulSet): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(set.spec?.selector as LabelSelectorObject | undefined);
  } catch {
    return undefined;
  }
}
