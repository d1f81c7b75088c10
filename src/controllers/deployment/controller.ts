/**
 * The Deployment controller: owns ReplicaSets through a pod-template-hash per template
 * and rolls pods from old ReplicaSets to the new one (sync.ts and the strategy files).
 * Here: informers and handlers (Deployments; ReplicaSets by controller reference, or
 * every Deployment selecting an orphan; pod deletions for Recreate), claiming
 * ReplicaSets (adopt and release), and one sync per key, which looks again when a
 * progress deadline is due.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import {
  type LabelSelector,
  type LabelSelectorObject,
  labelSelectorFromObject,
} from '../../api/selectors/index.js';
import { keyOf } from '../../client/cache.js';
import { isConflict } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { claimObjects, recheckOwner } from '../framework/claim.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import {
  CONTROLLER_INDEX,
  controllerIndex,
  controllerRefOf,
  newControllerRef,
  orphanIndexValue,
  refersTo,
} from '../framework/owner.js';
import { asPod } from '../framework/pods.js';
import type { PodMap } from './recreate.js';
import { syncDeployment } from './sync.js';
import { type DeploymentEnv, newSyncContext } from './sync-context.js';
import { asDeployment, asReplicaSet, type ReplicaSet } from './types.js';

const COMPONENT = 'deployment-controller';

export class DeploymentController extends QueueController {
  readonly name = 'deployment';
  private readonly deployments: Informer;
  private readonly sets: Informer;
  private readonly pods: Informer;
  private readonly env: DeploymentEnv;

  constructor(ctx: ControllerContext, workers = 5) {
    super(ctx, workers);
    this.deployments = ctx.informers.informer('apps', 'v1', 'deployments');
    this.sets = ctx.informers.informer('apps', 'v1', 'replicasets');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.sets.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.pods.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.env = {
      deployments: ctx.client.resource('apps', 'v1', 'deployments'),
      replicaSets: ctx.client.resource('apps', 'v1', 'replicasets'),
      recorder: ctx.recorder(COMPONENT),
      now: ctx.now,
      log: ctx.log,
    };
    this.deployments.addHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_, d) => this.enqueue(d),
      onDelete: (d) => this.enqueue(d),
    });
    this.sets.addHandler({
      onAdd: (rs) => this.replicaSetAdded(rs),
      onUpdate: (a, b) => this.replicaSetUpdated(a, b),
      onDelete: (rs) => this.enqueueOwner(rs),
    });
    this.pods.addHandler({ onDelete: (p) => this.podDeleted(p) });
  }

  private selectorOf(d: KObject): LabelSelector | undefined {
    try {
      return labelSelectorFromObject((d['spec'] as { selector?: LabelSelectorObject } | undefined)?.selector);
    } catch {
      return undefined;
    }
  }

  /** The Deployment that `ref` names, if it is still the same object. */
  private resolve(namespace: string, ref: OwnerReference | undefined): KObject | undefined {
    if (!ref || !refersTo(ref, 'apps', 'Deployment')) return undefined;
    const d = this.deployments.cache.getByName(namespace, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: KObject): void {
    const d = this.resolve(rs.metadata?.namespace ?? '', controllerRefOf(rs));
    if (d) this.enqueue(d);
  }

  /** Every Deployment in the namespace selecting an orphan ReplicaSet. */
  private enqueueSelecting(rs: KObject): void {
    for (const d of this.deployments.cache.byIndex('namespace', rs.metadata?.namespace ?? '')) {
      if (this.selectorOf(d)?.matches(rs.metadata?.labels)) this.enqueue(d);
    }
  }

  private replicaSetAdded(rs: KObject): void {
    if (controllerRefOf(rs)) this.enqueueOwner(rs);
    else this.enqueueSelecting(rs);
  }

  private replicaSetUpdated(old: KObject, cur: KObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    if (oldRef && oldRef.uid !== curRef?.uid) this.enqueueOwner(old);
    if (curRef) {
      this.enqueueOwner(cur);
      return;
    }
    const labelsChanged =
      JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || oldRef) this.enqueueSelecting(cur);
  }

  /** A Recreate rollout waits for old pods to be gone: look again when one goes. */
  private podDeleted(pod: KObject): void {
    const ns = pod.metadata?.namespace ?? '';
    const ref = controllerRefOf(pod);
    if (!ref || !refersTo(ref, 'apps', 'ReplicaSet')) return;
    const rs = this.sets.cache.getByName(ns, ref.name);
    if (!rs || rs.metadata?.uid !== ref.uid) return;
    const d = this.resolve(ns, controllerRefOf(rs));
    if (d && (d['spec'] as { strategy?: { type?: string } } | undefined)?.strategy?.type === 'Recreate')
      this.enqueue(d);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.deployments.cache.get(key);
    if (!cached) return;
    const d = asDeployment(cached);
    const selector = this.selectorOf(cached);
    if (!selector) return;
    if (selector.empty) {
      this.env.recorder.event(
        cached,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    const sets = await this.claimReplicaSets(cached, selector);
    const s = newSyncContext(this.env, d, sets);
    try {
      await syncDeployment(s, this.podMap(cached, selector, sets));
    } catch (err) {
      // A conflict means the cache is behind: the newer Deployment or ReplicaSet is on its
      // way through an informer, whose event syncs this key again.
      if (!isConflict(err)) throw err;
      return;
    }
    if (s.requeueAfter !== undefined) this.queue.addAfter(keyOf(cached), s.requeueAfter);
  }

  private async claimReplicaSets(d: KObject, selector: LabelSelector): Promise<ReplicaSet[]> {
    const ns = d.metadata?.namespace ?? '';
    const candidates = [
      ...this.sets.cache.byIndex(CONTROLLER_INDEX, d.metadata?.uid ?? ''),
      ...this.sets.cache.byIndex(CONTROLLER_INDEX, orphanIndexValue(ns)),
    ];
    const claimed = await claimObjects(candidates, {
      owner: d,
      ref: newControllerRef(d, 'apps/v1', 'Deployment'),
      matches: (rs) => selector.matches(rs.metadata?.labels),
      client: this.env.replicaSets,
      canAdopt: recheckOwner(this.env.deployments, d, 'Deployment'),
    });
    return claimed.map(asReplicaSet);
  }

  /** The pods of the Deployment's ReplicaSets (terminating ones too), by ReplicaSet UID. */
  private podMap(d: KObject, selector: LabelSelector, sets: ReplicaSet[]): PodMap {
    const map: PodMap = new Map();
    for (const rs of sets) {
      const uid = rs.metadata?.uid ?? '';
      const pods = this.pods.cache
        .byIndex(CONTROLLER_INDEX, uid)
        .filter(
          (p) => p.metadata?.namespace === d.metadata?.namespace && selector.matches(p.metadata?.labels),
        );
      map.set(uid, pods.map(asPod));
    }
    return map;
  }
}
