/**
 * The writes of the StatefulSet controller, each with upstream's Event on the set:
 * creating a pod after its claims (`SuccessfulCreate`: `create Pod web-0 in StatefulSet
 * web successful`, `create Claim data-web-0 Pod web-0 in StatefulSet web success`),
 * deleting one (`SuccessfulDelete`), fixing its identity labels (`SuccessfulUpdate`), and
 * setting claim owner references for the retention policy. Failures record the
 * `Failed<Verb>` Warning and are thrown to the caller; a pod or claim already there is
 * not an error for claims, and is thrown without an Event for pods.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Client } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import type { Pod } from '../framework/pods.js';
import type { EventRecorder } from '../framework/recorder.js';
import { claimsFor, newStatefulPod, ordinalOf, POD_INDEX_LABEL, POD_NAME_LABEL } from './identity.js';
import { claimOwnerRefs } from './retention.js';

type Verb = 'create' | 'delete' | 'update';
const title = (v: Verb) => v[0]!.toUpperCase() + v.slice(1);

export class StatefulPodControl {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    /** The cached claim of a name in a namespace. */
    private readonly claim: (namespace: string, name: string) => PersistentVolumeClaim | undefined,
  ) {}

  private pods() {
    return this.client.resource('', 'v1', 'pods');
  }

  private claims() {
    return this.client.resource('', 'v1', 'persistentvolumeclaims');
  }

  private podEvent(verb: Verb, set: StatefulSet, pod: string, err?: unknown): void {
    const s = set as KObject;
    const name = set.metadata?.name;
    if (err === undefined)
      this.recorder.event(
        s,
        'Normal',
        `Successful${title(verb)}`,
        `${verb} Pod ${pod} in StatefulSet ${name} successful`,
      );
    else
      this.recorder.event(
        s,
        'Warning',
        `Failed${title(verb)}`,
        `${verb} Pod ${pod} in StatefulSet ${name} failed error: ${(err as Error).message}`,
      );
  }

  /** Creates the claims of the pod with `ordinal` that are not in the cache. */
  async createClaims(set: StatefulSet, ordinal: number, pod: string): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    const errors: string[] = [];
    for (const c of claimsFor(set, ordinal)) {
      const name = c.metadata?.name ?? '';
      if (this.claim(ns, name)) continue;
      // The set's own reference when whenDeleted=Delete; a pod reference comes once the pod exists.
      const refs = claimOwnerRefs(c, set, { metadata: { name: pod, namespace: ns } });
      if (refs) c.metadata!.ownerReferences = refs;
      try {
        await this.claims().create(ns, c as KObject);
        this.recorder.event(
          set as KObject,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${name} Pod ${pod} in StatefulSet ${set.metadata?.name} success`,
        );
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        const msg = (err as Error).message;
        errors.push(`failed to create PVC ${name}: ${msg}`);
        this.recorder.event(
          set as KObject,
          'Warning',
          'FailedCreate',
          `create Claim ${name} for Pod ${pod} in StatefulSet ${set.metadata?.name} failed error: ${msg}`,
        );
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  /** Creates the claims, then the pod of `ordinal` from `template` at `revision`. */
  async create(
    set: StatefulSet,
    template: PodTemplateSpec,
    ordinal: number,
    revision: string,
    ref: OwnerReference,
  ): Promise<KObject> {
    const pod = newStatefulPod(set, template, ordinal, revision, ref);
    const name = pod.metadata!.name!;
    try {
      await this.createClaims(set, ordinal, name);
    } catch (err) {
      this.podEvent('create', set, name, err);
      throw err;
    }
    try {
      const created = await this.pods().create(set.metadata?.namespace, pod);
      this.podEvent('create', set, name);
      return created;
    } catch (err) {
      if (!isAlreadyExists(err)) this.podEvent('create', set, name, err);
      throw err;
    }
  }

  /** Deletes a pod; one already gone is fine. */
  async delete(set: StatefulSet, pod: Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.pods().delete(pod.metadata?.namespace, name);
      this.podEvent('delete', set, name);
    } catch (err) {
      if (isNotFound(err)) return;
      this.podEvent('delete', set, name, err);
      throw err;
    }
  }

  /** Puts the pod-name and pod-index labels right. */
  async relabel(set: StatefulSet, pod: Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const labels = { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinalOf(pod)) };
    try {
      await this.pods().patch(pod.metadata?.namespace, name, {
        metadata: { labels, resourceVersion: pod.metadata?.resourceVersion },
      });
      this.podEvent('update', set, name);
    } catch (err) {
      this.podEvent('update', set, name, err);
      throw err;
    }
  }

  /** Gives the pod's existing claims the owner references the retention policy asks for. */
  async retain(set: StatefulSet, pod: Pod): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    const ordinal = ordinalOf(pod);
    for (const wanted of claimsFor(set, ordinal)) {
      const claim = this.claim(ns, wanted.metadata?.name ?? '');
      if (!claim) continue;
      const refs = claimOwnerRefs(claim, set, pod);
      if (!refs) continue;
      try {
        await this.claims().patch(ns, claim.metadata!.name!, {
          metadata: { ownerReferences: refs, resourceVersion: claim.metadata?.resourceVersion },
        });
      } catch (err) {
        this.podEvent('update', set, pod.metadata?.name ?? '', err);
        throw new Error(
          `could not update claim ${claim.metadata?.name} for delete policy ownerRefs: ${(err as Error).message}`,
        );
      }
    }
  }
}
