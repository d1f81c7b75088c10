/**
 * StorageClasses (storage.k8s.io/v1) with kubectl's columns: the default class is named
 * `NAME (default)`, then provisioner, reclaim policy (Delete when unset), binding mode
 * (Immediate when unset) and whether volumes may be expanded. Validation and defaults are
 * the generic ones.
 */
import { findResource } from '../../../api/resources.js';
import { age } from '../../printers/age.js';
import { AGE_COLUMN, col, NAME_COLUMN } from '../../printers/columns.js';
import { plain } from '../../strategies/generic.js';
import type { KObject, Printer, ResourceDef } from '../../types.js';

function isDefault(o: KObject): boolean {
  const a = o.metadata?.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

const PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'string', 'Indicates the type of the provisioner.'),
    col(
      'ReclaimPolicy',
      'string',
      'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy. Defaults to Delete.',
    ),
    col(
      'VolumeBindingMode',
      'string',
      'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.',
    ),
    col(
      'AllowVolumeExpansion',
      'string',
      'AllowVolumeExpansion shows whether the storage class allow volume expand.',
    ),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    `${o.metadata?.name ?? ''}${isDefault(o) ? ' (default)' : ''}`,
    String(o['provisioner'] ?? ''),
    String(o['reclaimPolicy'] ?? 'Delete'),
    String(o['volumeBindingMode'] ?? 'Immediate'),
    String(o['allowVolumeExpansion'] === true),
    age(o.metadata?.creationTimestamp, now),
  ],
};

export function storageClassesDef(): ResourceDef {
  return plain(findResource('storage.k8s.io', 'v1', 'storageclasses')!, { printer: PRINTER });
}
