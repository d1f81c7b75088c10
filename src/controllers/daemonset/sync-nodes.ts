/**
 * The writes of one DaemonSet sync (upstream's syncNodes): create a daemon pod for each
 * node asked for, in slow-start batches, then delete the pods asked for, concurrently.
 * Expectations for both are recorded before any request and lowered for every request
 * that fails or is never sent. Events are upstream's (`SuccessfulCreate` `Created pod:
 * NAME`, `SuccessfulDelete` `Deleted pod: NAME`, and their Failed forms). Pods of nodes
 * that are gone are deleted at once (grace period 0), as the pod garbage collector would.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Client } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import type { Expectations } from '../framework/expectations.js';
import { PodControl } from '../framework/pod-control.js';
import { podKey } from '../framework/pods.js';
import type { EventRecorder } from '../framework/recorder.js';
import { slowStartBatch } from '../framework/slow-start.js';
import type { Deletion } from './manage.js';
import { withNodeNameAffinity } from './node-affinity.js';

/** Most pods created per sync (upstream's burstReplicas). */
export const BURST = 250;

export interface NodeSyncOptions {
  /** Bind pods by setting spec.nodeName instead of asking the scheduler through node affinity. */
  bindDirectly?: boolean;
}

export class DaemonPodWriter {
  private readonly podControl: PodControl;

  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    private readonly expectations: Expectations,
    private readonly opts: NodeSyncOptions = {},
  ) {
    this.podControl = new PodControl(client, recorder);
  }

  /** The pod template for one node. */
  forNode(template: PodTemplateSpec, node: string): PodTemplateSpec {
    const t = structuredClone(template);
    const spec = t.spec ?? { containers: [] };
    if (this.opts.bindDirectly) spec.nodeName = node;
    else spec.affinity = withNodeNameAffinity(spec.affinity, node);
    t.spec = spec;
    return t;
  }

  /**
   * Creates pods on `nodes` and deletes `deletions`; `key` is the DaemonSet's key
   * (creations are expected under it, deletions under `<key>/delete`). Throws the first error.
   */
  async sync(
    key: string,
    ds: DaemonSet,
    template: PodTemplateSpec,
    ref: OwnerReference,
    nodes: string[],
    deletions: Deletion[],
  ): Promise<void> {
    const creates = nodes.slice(0, BURST);
    const deleteKey = `${key}/delete`;
    if (creates.length > 0) this.expectations.expectCreations(key, creates.length);
    if (deletions.length > 0)
      this.expectations.expectDeletions(
        deleteKey,
        deletions.map((d) => podKey(d.pod)),
      );
    const owner = ds as KObject;
    const errors: Error[] = [];

    let next = 0;
    const result = await slowStartBatch(creates.length, 1, async () => {
      const node = creates[next++]!;
      try {
        await this.podControl.create(this.forNode(template, node), owner, ref);
      } catch (err) {
        this.expectations.creationObserved(key);
        throw err;
      }
    });
    // Creations never attempted will never be observed.
    for (let i = next; i < creates.length; i++) this.expectations.creationObserved(key);
    if (result.error) errors.push(result.error);

    await Promise.all(
      deletions.map(async (d) => {
        try {
          await this.remove(ds, d);
        } catch (err) {
          this.expectations.deletionObserved(deleteKey, podKey(d.pod));
          if (!isNotFound(err)) errors.push(err as Error);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  private async remove(ds: DaemonSet, d: Deletion): Promise<void> {
    const m = d.pod.metadata ?? {};
    if (d.reason !== 'node-gone')
      return this.podControl.delete(m.namespace ?? '', m.name ?? '', ds as KObject);
    await this.client.resource('', 'v1', 'pods').delete(m.namespace, m.name!, { gracePeriodSeconds: 0 });
    this.recorder.event(ds as KObject, 'Normal', 'SuccessfulDelete', `Deleted pod: ${m.name}`);
  }
}
