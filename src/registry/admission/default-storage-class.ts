/**
 * The DefaultStorageClass admission step (upstream's plugin of that name): a
 * PersistentVolumeClaim created without spec.storageClassName (and without the beta
 * storage-class annotation) gets the default StorageClass, the newest one annotated
 * `storageclass.kubernetes.io/is-default-class: "true"` when several are; none when there
 * is none. An explicit "" is left as it is (it asks for no class). Reads StorageClasses
 * from the registry's watch cache; only claims on create are touched.
 */
import type { GenericStore } from '../generic/store.js';
import type { KObject, ResourceDef } from '../types.js';

type Obj = Record<string, unknown>;

const DEFAULT = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT = 'storageclass.beta.kubernetes.io/is-default-class';
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

function isDefault(sc: KObject): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[DEFAULT] === 'true' || a[BETA_DEFAULT] === 'true';
}

/** The newest default class (by creation time, then name, as upstream's GetDefaultClass). */
export function newestDefault(classes: readonly KObject[]): KObject | undefined {
  let best: KObject | undefined;
  for (const sc of classes) {
    if (!isDefault(sc)) continue;
    const t = sc.metadata?.creationTimestamp ?? '';
    const bt = best?.metadata?.creationTimestamp ?? '';
    if (!best || t > bt || (t === bt && (sc.metadata?.name ?? '') < (best.metadata?.name ?? ''))) best = sc;
  }
  return best;
}

/** Sets the default class on a claim being created (mutates `obj`). */
export function admitDefaultStorageClass(
  classes: GenericStore | undefined,
  op: 'create' | 'update',
  def: ResourceDef,
  obj: KObject,
): void {
  if (op !== 'create' || def.info.group !== '' || def.info.plural !== 'persistentvolumeclaims') return;
  const spec = (obj['spec'] ?? {}) as Obj;
  if (spec['storageClassName'] !== undefined && spec['storageClassName'] !== null) return;
  if (obj.metadata?.annotations?.[BETA_CLASS] !== undefined) return;
  if (!classes) return;
  const dflt = newestDefault(classes.cache.list(classes.keyPrefix('')));
  if (!dflt) return;
  obj['spec'] = { ...spec, storageClassName: dflt.metadata?.name };
}
