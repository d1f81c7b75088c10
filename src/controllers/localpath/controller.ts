/**
 * The `local-path-provisioner` controller: provisions claims handed to `k8ts.io/local-path`
 * (provisioner.ts decides) by creating their PersistentVolume, pre-bound to the claim, for
 * the binder to finish binding; and deletes the volumes it made once Released under the
 * Delete policy. Events on the claim: Provisioning, ProvisioningSucceeded,
 * ProvisioningFailed. The data directories live on the nodes: creating them is the
 * kubelet's (hostPath DirectoryOrCreate), and removing the data of deleted volumes is left
 * to the node.
 */
import { keyOf } from '../../client/cache.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import { claimClass } from '../pvbinder/volumes.js';
import { claimRef } from '../pvbinder/writes.js';
import {
  buildVolume,
  DEFAULT_STORAGE_ROOT,
  PROVISIONER,
  provisionError,
  shouldDelete,
  shouldProvision,
  volumeName,
} from './provisioner.js';

export interface LocalPathSettings {
  /** Where volumes' directories go on the nodes (default /var/lib/k8ts/storage). */
  storageRoot?: string;
}

export class LocalPathProvisioner extends QueueController {
  readonly name = 'local-path-provisioner';
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly recorder: EventRecorder;
  private readonly root: string;

  constructor(ctx: ControllerContext, settings: LocalPathSettings = {}) {
    super(ctx, 2);
    this.root = settings.storageRoot ?? DEFAULT_STORAGE_ROOT;
    this.recorder = ctx.recorder(PROVISIONER);
    this.claims = ctx.informers.informer('', 'v1', 'persistentvolumeclaims');
    this.volumes = ctx.informers.informer('', 'v1', 'persistentvolumes');
    this.classes = ctx.informers.informer('storage.k8s.io', 'v1', 'storageclasses');
    this.claims.addHandler({
      onAdd: (c) => this.enqueue(`claim:${keyOf(c)}`),
      onUpdate: (_, c) => this.enqueue(`claim:${keyOf(c)}`),
    });
    this.volumes.addHandler({
      onAdd: (v) => this.enqueue(`volume:${keyOf(v)}`),
      onUpdate: (_, v) => this.enqueue(`volume:${keyOf(v)}`),
    });
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith('claim:')) {
      const claim = this.claims.cache.get(key.slice('claim:'.length));
      if (claim) await this.provision(claim);
    } else if (key.startsWith('volume:')) {
      const volume = this.volumes.cache.get(key.slice('volume:'.length));
      if (volume && shouldDelete(volume)) await this.deleteVolume(volume);
    }
  }

  private async provision(claim: KObject): Promise<void> {
    const sc = this.classes.cache.get(claimClass(claim));
    if (!sc || !shouldProvision(claim, sc)) return;
    const name = volumeName(claim);
    // Made already: the binder binds it.
    if (this.volumes.cache.get(name)) return;
    const ref = claimRef(claim);
    const why = provisionError(claim);
    if (why) {
      this.recorder.event(ref, 'Warning', 'ProvisioningFailed', why);
      return;
    }
    this.recorder.event(
      ref,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${claim.metadata?.namespace}/${claim.metadata?.name}"`,
    );
    try {
      await this.ctx.client
        .resource('', 'v1', 'persistentvolumes')
        .create(undefined, buildVolume(claim, sc, this.root));
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(
        ref,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "${sc.metadata?.name}": ${(err as Error).message}`,
      );
      throw err;
    }
    this.recorder.event(ref, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  private async deleteVolume(volume: KObject): Promise<void> {
    try {
      await this.ctx.client
        .resource('', 'v1', 'persistentvolumes')
        .delete(undefined, volume.metadata!.name!, { preconditions: { uid: volume.metadata!.uid! } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
