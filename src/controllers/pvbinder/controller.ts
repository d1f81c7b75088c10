/**
 * The `persistentvolume-binder` controller (upstream's PV controller, binding part):
 * keeps PersistentVolumes and PersistentVolumeClaims bound to each other (claim-sync.ts,
 * volume-sync.ts). Keys are `claim:<namespace>/<name>` and `volume:<name>` in one queue.
 * A volume change also enqueues the claim it names and, when it may now serve waiting
 * claims, every unbound claim; a StorageClass change enqueues the unbound claims too.
 * It provisions nothing: external provisioners (../localpath) do, told by the claim's
 * annotations.
 */
import { keyOf } from '../../client/cache.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { type BinderState, syncClaim } from './claim-sync.js';
import { syncVolume } from './volume-sync.js';
import { ANN_BIND_COMPLETED, annotations, spec } from './volumes.js';
import { BinderWrites } from './writes.js';

type Obj = Record<string, unknown>;

export const COMPONENT = 'persistentvolume-controller';

export class PersistentVolumeBinder extends QueueController {
  readonly name = 'persistentvolume-binder';
  private readonly state: BinderState;
  private readonly claims: Informer;
  private readonly volumes: Informer;

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
    this.claims = ctx.informers.informer('', 'v1', 'persistentvolumeclaims');
    this.volumes = ctx.informers.informer('', 'v1', 'persistentvolumes');
    const classes = ctx.informers.informer('storage.k8s.io', 'v1', 'storageclasses');
    const nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.state = {
      claims: this.claims,
      volumes: this.volumes,
      classes,
      nodes,
      writes: new BinderWrites(ctx.client),
      recorder: ctx.recorder(COMPONENT),
    };
    this.claims.addHandler({
      onAdd: (c) => this.enqueueClaim(keyOf(c)),
      onUpdate: (_, c) => this.enqueueClaim(keyOf(c)),
      onDelete: (c) => {
        const v = spec(c)['volumeName'];
        if (typeof v === 'string' && v) this.enqueue(`volume:${v}`);
      },
    });
    this.volumes.addHandler({
      onAdd: (v) => this.volumeChanged(v),
      onUpdate: (_, v) => this.volumeChanged(v),
      onDelete: (v) => {
        const ref = spec(v)['claimRef'] as Obj | undefined;
        if (ref) this.enqueueClaim(`${ref['namespace']}/${ref['name']}`);
      },
    });
    classes.addHandler({
      onAdd: () => this.enqueueUnbound(),
      onUpdate: () => this.enqueueUnbound(),
    });
  }

  private enqueueClaim(key: string): void {
    this.enqueue(`claim:${key}`);
  }

  private volumeChanged(v: KObject): void {
    this.enqueue(`volume:${v.metadata?.name}`);
    const ref = spec(v)['claimRef'] as Obj | undefined;
    if (ref) this.enqueueClaim(`${ref['namespace']}/${ref['name']}`);
    else this.enqueueUnbound();
  }

  private enqueueUnbound(): void {
    for (const c of this.claims.cache.list()) {
      if (annotations(c)[ANN_BIND_COMPLETED] === undefined) this.enqueueClaim(keyOf(c));
    }
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith('claim:')) {
      const claim = this.claims.cache.get(key.slice('claim:'.length));
      if (claim) await syncClaim(this.state, claim);
      return;
    }
    if (key.startsWith('volume:')) {
      const volume = this.volumes.cache.get(key.slice('volume:'.length));
      if (volume) await syncVolume(this.state, this.ctx.client, volume, (k) => this.enqueueClaim(k));
    }
  }
}
