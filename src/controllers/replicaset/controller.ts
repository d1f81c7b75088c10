/**
 * The replica controller, one implementation for ReplicaSets and ReplicationControllers
 * (see kinds.ts): keeps `spec.replicas` active pods matching the selector. It adopts
 * orphans that match and releases owned pods that no longer match, creates pods from
 * the template or deletes the least valuable ones (manage.ts), waits on expectations for
 * its own writes, and writes status (status.ts) on every sync, looking again when a
 * ready pod is due to become available. Handlers only enqueue keys and mark
 * expectations observed; sync reads the caches.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { LabelSelector } from '../../api/selectors/index.js';
import { isConflict, isNotFound } from '../../client/errors.js';
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
import { PodControl } from '../framework/pod-control.js';
import { asPod, isPodActive, type Pod } from '../framework/pods.js';
import { apiVersionOf, REPLICA_SET, type ReplicaKind } from './kinds.js';
import { manageReplicas } from './manage.js';
import {
  calculateStatus,
  nextAvailabilityCheck,
  type ReplicaStatus,
  specOf,
  statusChanged,
} from './status.js';

export interface ReplicaControllerOptions {
  /** Most creations or deletions per sync (default 500). */
  burst?: number;
  workers?: number;
}

export class ReplicaSetController extends QueueController {
  readonly name: string;
  private readonly sets: Informer;
  private readonly pods: Informer;
  private readonly expectations: Expectations;
  private readonly podControl: PodControl;

  constructor(
    ctx: ControllerContext,
    private readonly kind: ReplicaKind = REPLICA_SET,
    private readonly opts: ReplicaControllerOptions = {},
  ) {
    super(ctx, opts.workers ?? 5);
    this.name = kind.name;
    this.expectations = new Expectations(ctx.now);
    this.podControl = new PodControl(ctx.client, ctx.recorder(kind.component));
    this.sets = ctx.informers.informer(kind.group, kind.version, kind.plural);
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.sets.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.pods.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.sets.addHandler({
      onAdd: (o) => this.enqueue(o),
      onUpdate: (_, o) => this.enqueue(o),
      onDelete: (o) => {
        this.expectations.delete(`${o.metadata?.namespace}/${o.metadata?.name}`);
        this.enqueue(o);
      },
    });
    this.pods.addHandler(
      ownedPodHandlers({
        resolve: (ns, ref) => this.resolve(ns, ref),
        selecting: (pod) => this.selecting(pod),
        enqueue: (o) => this.enqueue(o),
        expectations: this.expectations,
        deletionKey: (key) => key,
        addAfter: (key, ms) => this.queue.addAfter(key, ms),
      }),
    );
  }

  /** The owner that `ref` names, if it is of our kind and still the same object. */
  private resolve(namespace: string, ref: OwnerReference | undefined): KObject | undefined {
    if (!ref || !refersTo(ref, this.kind.group, this.kind.kind)) return undefined;
    const owner = this.sets.cache.getByName(namespace, ref.name);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** Every owner in the pod's namespace whose selector matches it (for orphans). */
  private selecting(pod: Pod): KObject[] {
    const ns = pod.metadata?.namespace ?? '';
    return this.sets.cache.byIndex('namespace', ns).filter((o) => {
      try {
        return this.kind.selector(o).matches(pod.metadata?.labels);
      } catch {
        return false;
      }
    });
  }

  protected async sync(key: string): Promise<void> {
    const owner = this.sets.cache.get(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    let selector: LabelSelector;
    try {
      selector = this.kind.selector(owner);
    } catch (err) {
      this.ctx.log(`${this.name}: ${key}: invalid selector: ${(err as Error).message}`);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const pods = await this.claimPods(owner, selector);
    let manageError: Error | undefined;
    if (needsSync && !owner.metadata?.deletionTimestamp) {
      try {
        await manageReplicas({
          key,
          owner,
          ref: this.refTo(owner),
          pods,
          related: () => this.relatedPods(owner),
          expectations: this.expectations,
          podControl: this.podControl,
          ...(this.opts.burst !== undefined ? { burst: this.opts.burst } : {}),
        });
      } catch (err) {
        manageError = err as Error;
      }
    }
    const now = this.ctx.now();
    await this.writeStatus(owner, calculateStatus(owner, pods, manageError, now));
    if (manageError) throw manageError;
    const next = nextAvailabilityCheck(pods, specOf(owner).minReadySeconds ?? 0, now);
    if (next !== undefined) this.queue.addAfter(key, next);
  }

  private refTo(owner: KObject): OwnerReference {
    return newControllerRef(owner, apiVersionOf(this.kind), this.kind.kind);
  }

  /** The active pods `owner` controls, after adopting and releasing. */
  private async claimPods(owner: KObject, selector: LabelSelector): Promise<Pod[]> {
    const ns = owner.metadata?.namespace ?? '';
    const candidates = [
      ...this.pods.cache.byIndex(CONTROLLER_INDEX, owner.metadata?.uid ?? ''),
      ...this.pods.cache.byIndex(CONTROLLER_INDEX, orphanIndexValue(ns)),
    ].filter((p) => isPodActive(asPod(p)));
    const claimed = await claimObjects(candidates, {
      owner,
      ref: this.refTo(owner),
      matches: (p) => selector.matches(p.metadata?.labels),
      client: this.ctx.client.resource('', 'v1', 'pods'),
      canAdopt: recheckOwner(
        this.ctx.client.resource(this.kind.group, this.kind.version, this.kind.plural),
        owner,
        this.kind.kind,
      ),
    });
    return claimed.map(asPod);
  }

  /** Pods of every object that shares `owner`'s controller (one Deployment's ReplicaSets). */
  private relatedPods(owner: KObject): Pod[] {
    const parent = controllerRefOf(owner);
    if (!parent?.uid) return [];
    const out: Pod[] = [];
    for (const sibling of this.sets.cache.byIndex(CONTROLLER_INDEX, parent.uid)) {
      for (const p of this.pods.cache.byIndex(CONTROLLER_INDEX, sibling.metadata?.uid ?? ''))
        out.push(asPod(p));
    }
    return out;
  }

  /**
   * Writes status when it changed. A conflict means the cache is behind: the newer object
   * is on its way through the informer, whose event syncs this key again.
   */
  private async writeStatus(owner: KObject, status: ReplicaStatus): Promise<void> {
    if (!statusChanged(owner, status)) return;
    const client = this.ctx.client.resource(this.kind.group, this.kind.version, this.kind.plural);
    try {
      await client.updateStatus({ ...owner, status });
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }
}
