/**
 * persistentVolumeClaim (and generic ephemeral) volumes: finds the claim, checks it is
 * Bound and not being deleted, finds its PersistentVolume and returns the host directory
 * the PV names (hostPath.path with its type checks, or local.path), creating it when the
 * PV asks for it (hostPath DirectoryOrCreate, or the `k8ts.io/local-path: "true"`
 * annotation of the local-path provisioner). Reads claims and volumes; never binds,
 * provisions or deletes anything.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import type { KObject } from '../../registry/types.js';
import type { Obj, ObjectSource } from '../pods/deps.js';
import { checkHostPathType } from './hostpath.js';

export const LOCAL_PATH_ANNOTATION = 'k8ts.io/local-path';

export interface ClaimVolume {
  hostPath: string;
  readOnly: boolean;
}

/**
 * The claim name of a pod volume: persistentVolumeClaim.claimName, or `<pod>-<volume>` for
 * a generic ephemeral volume (which must then be owned by the pod).
 */
export function claimNameOf(pod: KObject, volume: Obj): string {
  const pvc = volume['persistentVolumeClaim'] as Obj | undefined;
  if (pvc) return String(pvc['claimName'] ?? '');
  return `${pod.metadata?.name ?? ''}-${String(volume['name'] ?? '')}`;
}

/** Creates a provisioned volume's directory, writable by any container user (0777), if missing. */
async function makeShared(path: string): Promise<void> {
  const created = await mkdir(path, { recursive: true });
  if (created !== undefined) await chmod(path, 0o777);
}

function onlyReadOnlyMany(pvc: KObject): boolean {
  const modes = ((pvc['spec'] ?? {}) as Obj)['accessModes'];
  return Array.isArray(modes) && modes.length > 0 && modes.every((m) => m === 'ReadOnlyMany');
}

/** Resolves the claim of `volume` to a host directory; throws with the reason it cannot. */
export async function resolveClaim(
  pod: KObject,
  volume: Obj,
  objects: ObjectSource,
  signal: AbortSignal,
): Promise<ClaimVolume> {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = claimNameOf(pod, volume);
  const pvc = await objects.get('persistentvolumeclaims', ns, name, signal);
  if (!pvc) throw new Error(`persistentvolumeclaim "${name}" not found`);
  if (volume['ephemeral']) {
    const owned = (pvc.metadata?.ownerReferences ?? []).some(
      (r) => r.uid === pod.metadata?.uid && r.controller,
    );
    if (!owned) {
      throw new Error(
        `PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata?.name} (pod is not owner)`,
      );
    }
  }
  if (pvc.metadata?.deletionTimestamp) throw new Error(`persistentvolumeclaim "${name}" is being deleted`);
  const phase = ((pvc['status'] ?? {}) as Obj)['phase'];
  const pvName = ((pvc['spec'] ?? {}) as Obj)['volumeName'];
  if (phase !== 'Bound' || typeof pvName !== 'string' || pvName === '') {
    throw new Error(`persistentvolumeclaim "${name}" is not bound`);
  }
  const pv = await objects.get('persistentvolumes', undefined, pvName, signal);
  if (!pv) throw new Error(`persistentvolume "${pvName}" not found`);
  const claimRef = ((pv['spec'] ?? {}) as Obj)['claimRef'] as Obj | undefined;
  if (
    claimRef?.['uid'] !== undefined &&
    pvc.metadata?.uid !== undefined &&
    claimRef['uid'] !== pvc.metadata.uid
  ) {
    throw new Error(`persistentvolume "${pvName}" is bound to another claim`);
  }
  const spec = (pv['spec'] ?? {}) as Obj;
  const hostPath = spec['hostPath'] as Obj | undefined;
  const local = spec['local'] as Obj | undefined;
  const autoCreate = pv.metadata?.annotations?.[LOCAL_PATH_ANNOTATION] === 'true';
  const source = volume['persistentVolumeClaim'] as Obj | undefined;
  const readOnly = source?.['readOnly'] === true || onlyReadOnlyMany(pvc);
  let path: string;
  if (hostPath && typeof hostPath['path'] === 'string') {
    path = hostPath['path'];
    const type = typeof hostPath['type'] === 'string' ? hostPath['type'] : '';
    if (autoCreate && type === '') await makeShared(path);
    await checkHostPathType(path, type);
  } else if (local && typeof local['path'] === 'string') {
    path = local['path'];
    if (autoCreate) await makeShared(path);
  } else {
    throw new Error(`persistentvolume "${pvName}" has no hostPath or local source this node can mount`);
  }
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new Error(`path "${path}" does not exist`);
  return { hostPath: path, readOnly };
}
