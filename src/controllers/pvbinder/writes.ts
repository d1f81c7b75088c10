/**
 * The binder's writes, as upstream's PV controller makes them: binding a volume and a
 * claim to each other (volume claimRef and phase, then claim volumeName, annotations and
 * status), unbinding a volume, and phase changes. Every write is a PUT of the informer's
 * object with its resourceVersion, so a stale view fails with 409 Conflict and the key is
 * synced again. Writes nothing it does not have to (a phase already right is not written).
 */
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  isVolumeBoundToClaim,
  phase,
  spec,
  status,
} from './volumes.js';

type Obj = Record<string, unknown>;

const withKind = (o: KObject, kind: string): KObject => ({ ...structuredClone(o), apiVersion: 'v1', kind });

export const claimRef = (o: KObject): KObject =>
  o.kind ? o : { ...o, apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
export const volumeRef = (o: KObject): KObject =>
  o.kind ? o : { ...o, apiVersion: 'v1', kind: 'PersistentVolume' };

export class BinderWrites {
  constructor(private readonly client: Client) {}

  private get pvs() {
    return this.client.resource('', 'v1', 'persistentvolumes');
  }

  private get pvcs() {
    return this.client.resource('', 'v1', 'persistentvolumeclaims');
  }

  /** Sets the volume's phase (and message) unless it already has it; returns the volume as stored. */
  async volumePhase(volume: KObject, to: string, message = ''): Promise<KObject> {
    const st = status(volume);
    if (phase(volume) === to && String(st['message'] ?? '') === message) return volume;
    const obj = withKind(volume, 'PersistentVolume');
    const next: Obj = { ...st, phase: to };
    if (message) next['message'] = message;
    else delete next['message'];
    if (to !== phase(volume))
      next['lastPhaseTransitionTime'] = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    obj['status'] = next;
    return this.pvs.updateStatus(obj);
  }

  /** Sets the claim's phase (Bound: with the volume's access modes and capacity) unless it is so. */
  async claimPhase(claim: KObject, to: string, volume?: KObject): Promise<KObject> {
    const st = status(claim);
    const want: Obj = { ...st, phase: to };
    if (volume && to === 'Bound') {
      want['accessModes'] = spec(volume)['accessModes'] ?? [];
      want['capacity'] = spec(volume)['capacity'] ?? {};
    } else if (to !== 'Bound') {
      delete want['accessModes'];
      delete want['capacity'];
    }
    if (JSON.stringify(want) === JSON.stringify(st)) return claim;
    const obj = withKind(claim, 'PersistentVolumeClaim');
    obj['status'] = want;
    return this.pvcs.updateStatus(obj);
  }

  /** Upstream's bind: volume to claim, volume Bound, claim to volume, claim Bound. */
  async bind(volume: KObject, claim: KObject): Promise<void> {
    let v = volume;
    const boundBefore = isVolumeBoundToClaim(volume, claim);
    const ref = spec(volume)['claimRef'] as Obj | undefined;
    const m = claim.metadata ?? {};
    const annotate = !boundBefore && annotationsOf(volume)[ANN_BOUND_BY_CONTROLLER] === undefined;
    if (
      !ref ||
      ref['name'] !== m.name ||
      ref['namespace'] !== m.namespace ||
      ref['uid'] !== m.uid ||
      annotate
    ) {
      const obj = withKind(volume, 'PersistentVolume');
      obj['spec'] = {
        ...spec(volume),
        claimRef: {
          kind: 'PersistentVolumeClaim',
          namespace: m.namespace,
          name: m.name,
          uid: m.uid,
          apiVersion: 'v1',
          resourceVersion: m.resourceVersion,
        },
      };
      if (annotate)
        obj.metadata = {
          ...obj.metadata,
          annotations: { ...annotationsOf(obj), [ANN_BOUND_BY_CONTROLLER]: 'yes' },
        };
      v = await this.pvs.update(obj);
    }
    v = await this.volumePhase(v, 'Bound');

    let c = claim;
    const a = { ...annotationsOf(claim) };
    const claimSpec = spec(claim);
    let dirty = false;
    if (claimSpec['volumeName'] !== v.metadata?.name) {
      dirty = true;
      if (a[ANN_BOUND_BY_CONTROLLER] === undefined) a[ANN_BOUND_BY_CONTROLLER] = 'yes';
    }
    if (a[ANN_BIND_COMPLETED] === undefined) {
      a[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    if (dirty) {
      const obj = withKind(claim, 'PersistentVolumeClaim');
      obj['spec'] = { ...claimSpec, volumeName: v.metadata?.name };
      obj.metadata = { ...obj.metadata, annotations: a };
      c = await this.pvcs.update(obj);
    }
    await this.claimPhase(c, 'Bound', v);
  }

  /**
   * Upstream's unbindVolume: a volume the controller bound loses its claimRef (and the
   * annotation); one the user pre-bound keeps the reference without the uid. Then Available.
   */
  async unbind(volume: KObject): Promise<void> {
    const obj = withKind(volume, 'PersistentVolume');
    const s = { ...spec(volume) };
    const a = { ...annotationsOf(volume) };
    if (a[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete s['claimRef'];
      delete a[ANN_BOUND_BY_CONTROLLER];
    } else {
      const ref = { ...(s['claimRef'] as Obj) };
      delete ref['uid'];
      s['claimRef'] = ref;
    }
    obj['spec'] = s;
    obj.metadata = { ...obj.metadata, annotations: a };
    const stored = await this.pvs.update(obj);
    await this.volumePhase(stored, 'Available');
  }

  /** Writes the claim's metadata and spec (annotations, class) as given. */
  updateClaim(claim: KObject): Promise<KObject> {
    return this.pvcs.update(withKind(claim, 'PersistentVolumeClaim'));
  }
}

function annotationsOf(o: KObject): Record<string, string> {
  return o.metadata?.annotations ?? {};
}
