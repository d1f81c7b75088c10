/**
 * The garbage collector: keeps the owner graph (ownerReferences over every collected
 * resource, indexed by owner UID in the shared informers) and acts on it:
 * - background: an object whose owners are all gone (or whose owner's name now has
 *   another UID) is deleted; references to vanished owners next to a living one are
 *   dropped;
 * - foreground: an owner marked for deletion with the `foregroundDeletion` finalizer has
 *   its dependents deleted, and loses the finalizer (and so goes) once no dependent with
 *   blockOwnerDeletion is left;
 * - orphan: an owner with the `orphan` finalizer has the references to it removed from
 *   its dependents, then loses the finalizer.
 * An owner's absence is confirmed with a live GET before anything is deleted, so a
 * dependent seen before its owner's informer catches up is safe. Work items are
 * `group/plural|namespace/name`. Failures are retried with backoff and recorded as events.
 */
import type { ResourceInfo } from '../../api/resources.js';
import { keyOf } from '../../client/cache.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import {
  blockingDependents,
  changeAffects,
  decideDependent,
  FOREGROUND,
  hasFinalizer,
  ORPHAN,
  type OwnerRef,
  type OwnerState,
  ownerRefs,
  ownerState,
  type Propagation,
  withoutFinalizer,
  withoutRefs,
} from './graph.js';
import { collectedResources, resolveKind, resourceId } from './resources.js';

const OWNER_INDEX = 'gc:owner-uid';
const CONFLICT_RETRIES = 5;

interface Watched {
  info: ResourceInfo;
  informer: Informer;
  client: ResourceClient;
}

export class GarbageCollector extends QueueController {
  readonly name = 'garbagecollector';
  private readonly watched = new Map<string, Watched>();
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, resources: ResourceInfo[] = collectedResources()) {
    super(ctx, 4);
    this.recorder = ctx.recorder('garbage-collector-controller');
    for (const info of resources) {
      const informer = ctx.informers.informer(info.group, info.version, info.plural);
      informer.addIndexer(OWNER_INDEX, (o) => ownerRefs(o).map((r) => r.uid));
      const id = resourceId(info);
      const client = ctx.client.resource(info.group, info.version, info.plural);
      this.watched.set(id, { info, informer, client });
      informer.addHandler({
        onAdd: (o) => this.onAdd(id, o),
        onUpdate: (old, o) => this.onUpdate(id, old, o),
        onDelete: (o) => this.onDelete(id, o),
      });
    }
  }

  private key(id: string, obj: KObject): string {
    return `${id}|${keyOf(obj)}`;
  }

  private onAdd(id: string, obj: KObject): void {
    if (ownerRefs(obj).length > 0 || obj.metadata?.deletionTimestamp) this.enqueue(this.key(id, obj));
  }

  private onUpdate(id: string, old: KObject, obj: KObject): void {
    this.onAdd(id, obj);
    const affects = changeAffects(old, obj);
    if (affects.dependents) this.enqueueDependents(obj.metadata?.uid);
    for (const r of ownerRefs(old)) if (affects.owners.includes(r.uid)) this.enqueueOwner(old, r);
  }

  private onDelete(_id: string, obj: KObject): void {
    this.enqueueDependents(obj.metadata?.uid);
    for (const r of ownerRefs(obj)) this.enqueueOwner(obj, r);
  }

  private enqueueDependents(uid: string | undefined): void {
    if (!uid) return;
    for (const [id, w] of this.watched)
      for (const d of w.informer.cache.byIndex(OWNER_INDEX, uid)) this.enqueue(this.key(id, d));
  }

  private enqueueOwner(dependent: KObject, ref: OwnerRef): void {
    const info = resolveKind(ref.apiVersion, ref.kind);
    if (!info) return;
    const id = resourceId(info);
    if (!this.watched.has(id)) return;
    if (!info.namespaced) this.enqueue(`${id}|${ref.name}`);
    else if (dependent.metadata?.namespace) this.enqueue(`${id}|${dependent.metadata.namespace}/${ref.name}`);
  }

  /** Every object (of any collected resource) with a reference to `uid`. */
  private dependentsOf(uid: string): { id: string; obj: KObject }[] {
    const out: { id: string; obj: KObject }[] = [];
    for (const [id, w] of this.watched)
      for (const obj of w.informer.cache.byIndex(OWNER_INDEX, uid)) out.push({ id, obj });
    return out;
  }

  protected async sync(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const w = this.watched.get(key.slice(0, bar));
    if (!w) return;
    const obj = w.informer.cache.get(key.slice(bar + 1));
    if (!obj) return;
    try {
      await this.syncObject(w, obj);
    } catch (err) {
      if (!isNotFound(err)) {
        this.recorder.event(obj, 'Warning', 'GarbageCollectionFailed', (err as Error).message);
      }
      throw err;
    }
  }

  private async syncObject(w: Watched, obj: KObject): Promise<void> {
    const m = obj.metadata ?? {};
    if (m.deletionTimestamp) {
      if (hasFinalizer(obj, ORPHAN)) return this.orphanDependents(w, obj);
      if (hasFinalizer(obj, FOREGROUND)) return this.deleteDependentsFirst(w, obj);
      return;
    }
    const refs = ownerRefs(obj);
    if (refs.length === 0) return;
    const states = new Map<string, OwnerState>();
    for (const ref of refs) {
      const s = await this.stateOf(w, obj, ref);
      if (s) states.set(ref.uid, s);
    }
    const action = decideDependent(obj, states, this.dependentsOf(m.uid ?? '').length > 0);
    if (action.type === 'removeRefs') await this.removeRefs(w, obj, action.uids);
    else if (action.type === 'delete') await this.deleteObject(w, obj, action.policy);
  }

  /**
   * The state of one reference of `dependent`; undefined when it cannot be known (a kind
   * this server does not serve), which keeps the dependent.
   */
  private async stateOf(w: Watched, dependent: KObject, ref: OwnerRef): Promise<OwnerState | undefined> {
    const info = resolveKind(ref.apiVersion, ref.kind);
    if (!info) return undefined;
    const ns = dependent.metadata?.namespace ?? '';
    if (info.namespaced && !w.info.namespaced) {
      this.recorder.event(
        dependent,
        'Warning',
        'OwnerRefInvalidNamespace',
        `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`,
      );
      return 'dangling';
    }
    const ownerNs = info.namespaced ? ns : '';
    const watched = this.watched.get(resourceId(info));
    const cached = watched?.informer.cache.getByName(ownerNs, ref.name);
    const fromCache = ownerState(ref, cached);
    if (fromCache !== 'dangling') return fromCache;
    // The cache may lag: confirm with the API server before calling an owner gone.
    const client = watched?.client ?? this.ctx.client.resource(info.group, info.version, info.plural);
    try {
      return ownerState(ref, await client.get(ownerNs || undefined, ref.name));
    } catch (err) {
      if (isNotFound(err)) return 'dangling';
      throw err;
    }
  }

  private async deleteObject(w: Watched, obj: KObject, policy: Propagation): Promise<void> {
    const m = obj.metadata!;
    try {
      await w.client.delete(m.namespace, m.name!, {
        propagationPolicy: policy,
        preconditions: { uid: m.uid! },
      });
    } catch (err) {
      // Gone already, or the name is another object's now: nothing of ours to delete.
      if (isNotFound(err) || (err instanceof ApiStatusError && err.code === 409)) return;
      throw err;
    }
  }

  /** Applies `change` to the live object and writes it back with its resourceVersion, retrying conflicts. */
  private async patchLive(
    w: Watched,
    obj: KObject,
    change: (live: KObject) => Record<string, unknown> | undefined,
  ): Promise<void> {
    const m = obj.metadata!;
    for (let attempt = 0; ; attempt++) {
      let live: KObject;
      try {
        live = await w.client.get(m.namespace, m.name!);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (live.metadata?.uid !== m.uid) return;
      const metadata = change(live);
      if (!metadata) return;
      try {
        await w.client.patch(m.namespace, m.name!, {
          metadata: { ...metadata, resourceVersion: live.metadata?.resourceVersion },
        });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (err instanceof ApiStatusError && err.code === 409 && attempt < CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  }

  private removeRefs(w: Watched, obj: KObject, uids: string[]): Promise<void> {
    return this.patchLive(w, obj, (live) => {
      const rest = withoutRefs(live, uids);
      if (rest.length === ownerRefs(live).length) return undefined;
      return { ownerReferences: rest.length > 0 ? rest : null };
    });
  }

  private removeFinalizer(w: Watched, obj: KObject, finalizer: string): Promise<void> {
    return this.patchLive(w, obj, (live) => {
      if (!hasFinalizer(live, finalizer)) return undefined;
      const rest = withoutFinalizer(live, finalizer);
      return { finalizers: rest.length > 0 ? rest : null };
    });
  }

  private async orphanDependents(w: Watched, owner: KObject): Promise<void> {
    const uid = owner.metadata!.uid!;
    for (const { id, obj } of this.dependentsOf(uid))
      await this.removeRefs(this.watched.get(id)!, obj, [uid]);
    await this.removeFinalizer(w, owner, ORPHAN);
  }

  private async deleteDependentsFirst(w: Watched, owner: KObject): Promise<void> {
    const uid = owner.metadata!.uid!;
    const dependents = this.dependentsOf(uid);
    for (const { id, obj } of dependents)
      if (!obj.metadata?.deletionTimestamp) this.enqueue(this.key(id, obj));
    const blocking = blockingDependents(
      uid,
      dependents.map((d) => d.obj),
    );
    if (blocking.length === 0) await this.removeFinalizer(w, owner, FOREGROUND);
  }
}
