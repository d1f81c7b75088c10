/**
 * The DaemonSet controller: one pod per eligible node (eligibility.ts), placed by node
 * affinity for the scheduler to bind, replaced by RollingUpdate (maxUnavailable, maxSurge)
 * or OnDelete, with a ControllerRevision per template version whose hash labels the pods
 * (so `kubectl rollout history` and `undo` work), and the status kubectl reads. Handlers
 * only enqueue keys and mark expectations observed; nodes coming, going or changing
 * labels, taints or conditions enqueue every DaemonSet. Sync reads the caches, claims the
 * set's pods and revisions, plans (manage.ts, rolling.ts), writes (sync-nodes.ts), prunes
 * history and writes status.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
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
import { asPod, isPodReady, type Pod } from '../framework/pods.js';
import type { EventRecorder } from '../framework/recorder.js';
import { REVISION_HASH_LABEL, type Revision, templatePatch } from '../history/revision.js';
import { RevisionStore } from '../history/store.js';
import { daemonPodTemplate, HASH_LABEL } from './eligibility.js';
import { FailedPodBackoff } from './failed-backoff.js';
import { type Deletion, planManage, podsByNode } from './manage.js';
import { planRollingUpdate } from './rolling.js';
import { computeStatus, statusChanged } from './status.js';
import { DaemonPodWriter, type NodeSyncOptions } from './sync-nodes.js';

const KIND = 'DaemonSet';

function asDs(o: KObject): DaemonSet {
  return o as unknown as DaemonSet;
}

function keyOf(o: KObject): string {
  return `${o.metadata?.namespace}/${o.metadata?.name}`;
}

export class DaemonSetController extends QueueController {
  readonly name = 'daemonset';
  private readonly sets: Informer;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly revisions: Informer;
  /** Creations per set key, deletions per `<set key>/delete`. */
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly writer: DaemonPodWriter;
  private readonly history: RevisionStore;
  private readonly failedBackoff: FailedPodBackoff;

  constructor(ctx: ControllerContext, opts: NodeSyncOptions & { workers?: number } = {}) {
    super(ctx, opts.workers ?? 2);
    this.expectations = new Expectations(ctx.now);
    this.recorder = ctx.recorder('daemonset-controller');
    this.writer = new DaemonPodWriter(ctx.client, this.recorder, this.expectations, opts);
    this.failedBackoff = new FailedPodBackoff(ctx.now);
    this.sets = ctx.informers.informer('apps', 'v1', 'daemonsets');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.revisions = ctx.informers.informer('apps', 'v1', 'controllerrevisions');
    this.pods.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.revisions.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.history = new RevisionStore(ctx.client.resource('apps', 'v1', 'controllerrevisions'));
    this.sets.addHandler({
      onAdd: (o) => this.enqueue(o),
      onUpdate: (_, o) => this.enqueue(o),
      onDelete: (o) => {
        this.forget(keyOf(o));
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
        availability: { minReadySeconds: (ds) => asDs(ds).spec?.minReadySeconds ?? 0, isReady: isPodReady },
        addAfter: (key, ms) => this.queue.addAfter(key, ms),
      }),
    );
    this.nodes.addHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (a, b) => {
        if (nodeChanged(a as Node, b as Node)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    const revisionChanged = (r: KObject) => {
      const owner = this.resolve(r.metadata?.namespace ?? '', controllerRefOf(r));
      if (owner) this.enqueue(owner);
      else if (!controllerRefOf(r)) for (const s of this.selecting(r)) this.enqueue(s);
    };
    this.revisions.addHandler({
      onAdd: revisionChanged,
      onUpdate: (_, r) => revisionChanged(r),
      onDelete: revisionChanged,
    });
  }

  private enqueueAll(): void {
    for (const ds of this.sets.cache.list()) this.enqueue(ds);
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
    const ds = this.sets.cache.getByName(namespace, ref.name);
    return ds?.metadata?.uid === ref.uid ? ds : undefined;
  }

  private selecting(obj: KObject): KObject[] {
    return this.sets.cache
      .byIndex('namespace', obj.metadata?.namespace ?? '')
      .filter((s) => selectorOf(asDs(s))?.matches(obj.metadata?.labels));
  }

  private async claim(
    ds: DaemonSet,
    informer: Informer,
    selector: LabelSelector,
    plural: string,
  ): Promise<KObject[]> {
    const m = ds.metadata ?? {};
    const candidates = [
      ...informer.cache.byIndex(CONTROLLER_INDEX, m.uid ?? ''),
      ...informer.cache.byIndex(CONTROLLER_INDEX, orphanIndexValue(m.namespace ?? '')),
    ];
    return claimObjects(candidates, {
      owner: ds as KObject,
      ref: newControllerRef(ds as KObject, 'apps/v1', KIND),
      matches: (o) => selector.matches(o.metadata?.labels),
      client: this.ctx.client.resource(plural === 'pods' ? '' : 'apps', 'v1', plural),
      canAdopt: recheckOwner(this.ctx.client.resource('apps', 'v1', 'daemonsets'), ds as KObject, KIND),
    });
  }

  protected async sync(key: string): Promise<void> {
    const obj = this.sets.cache.get(key);
    if (!obj) return this.forget(key);
    const ds = asDs(obj);
    if (ds.metadata?.deletionTimestamp) return;
    const selector = selectorOf(ds);
    if (!selector || selector.empty) {
      this.recorder.event(
        obj,
        'Warning',
        'SelectingAll',
        'This daemon set is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    const nodes = this.nodes.cache.list() as Node[];
    const pods = (await this.claim(ds, this.pods, selector, 'pods')).map(asPod);
    const owned = (await this.claim(ds, this.revisions, selector, 'controllerrevisions')) as Revision[];
    const ref = newControllerRef(obj, 'apps/v1', KIND);
    const ensured = await this.history.ensure(
      owned,
      {
        owner: obj,
        ref,
        templateLabels: ds.spec?.template?.metadata?.labels,
        annotations: ds.metadata?.annotations,
        data: templatePatch(ds.spec?.template),
      },
      ds.status?.collisionCount ?? 0,
    );
    const current = ensured.revision;
    const hash = current.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
    const byNode = podsByNode(pods);
    const now = this.ctx.now();

    let error: unknown;
    if (this.satisfied(key)) {
      try {
        await this.converge(key, ds, nodes, byNode, hash, ref);
      } catch (err) {
        error = err;
      }
    }

    const live = new Set(pods.map((p) => p.metadata?.labels?.[HASH_LABEL] ?? ''));
    live.add(hash);
    await this.history.prune(
      owned.filter((r) => r.metadata?.name !== current.metadata?.name),
      (r) => live.has(r.metadata?.labels?.[REVISION_HASH_LABEL] ?? ''),
      ds.spec?.revisionHistoryLimit ?? 10,
    );

    const status = computeStatus(ds, nodes, byNode, hash, ensured.collisionCount, now);
    if (statusChanged(ds, status)) {
      const m = ds.metadata ?? {};
      await this.ctx.client
        .resource('apps', 'v1', 'daemonsets')
        .patch(m.namespace, m.name!, { status }, 'merge', { subresource: 'status' });
    }
    if (error) throw error;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable)
      this.queue.addAfter(key, minReady * 1000);
  }

  /** The node-by-node sync, then (when it had nothing to do) the rolling update. */
  private async converge(
    key: string,
    ds: DaemonSet,
    nodes: Node[],
    byNode: Map<string, Pod[]>,
    hash: string,
    ref: OwnerReference,
  ): Promise<void> {
    const uid = ds.metadata?.uid ?? '';
    this.failedBackoff.gc();
    const plan = planManage({
      ds,
      nodes,
      byNode,
      hash,
      backoff: (node) => this.failedBackoff.remaining(`${uid}/${node}`),
    });
    if (plan.retryAfterMs !== undefined) this.queue.addAfter(key, plan.retryAfterMs);
    for (const d of plan.delete) {
      if (d.reason !== 'failed') continue;
      this.failedBackoff.next(`${uid}/${d.node}`);
      const m = d.pod.metadata ?? {};
      this.recorder.event(
        ds as KObject,
        'Warning',
        'FailedDaemonPod',
        `Found failed daemon pod ${m.namespace}/${m.name} on node ${d.node}, will try to kill it`,
      );
    }
    const template = daemonPodTemplate(ds, hash);
    if (plan.create.length > 0 || plan.delete.length > 0) {
      await this.writer.sync(key, ds, template, ref, plan.create, plan.delete);
      return;
    }
    if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const rolling = planRollingUpdate({ ds, nodes, byNode, hash, now: this.ctx.now() });
    const deletions: Deletion[] = rolling.delete.map((pod) => ({ pod, node: '', reason: 'excess' }));
    if (rolling.create.length > 0 || deletions.length > 0)
      await this.writer.sync(key, ds, template, ref, rolling.create, deletions);
  }
}

function selectorOf(ds: DaemonSet): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(ds.spec?.selector as LabelSelectorObject | undefined);
  } catch {
    return undefined;
  }
}

/** Whether a node changed in a way that can change where daemon pods belong. */
function nodeChanged(a: Node, b: Node): boolean {
  const conditions = (n: Node) =>
    JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]).sort());
  return (
    JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {}) ||
    JSON.stringify(a.spec ?? {}) !== JSON.stringify(b.spec ?? {}) ||
    conditions(a) !== conditions(b)
  );
}
