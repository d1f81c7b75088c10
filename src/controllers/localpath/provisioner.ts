/**
 * What the local-path provisioner decides, as an external provisioner does (after
 * sig-storage's provisioner library and rancher's local-path-provisioner): whether a
 * claim is its to provision (unbound, its class names `k8ts.io/local-path`, the binder
 * has handed it over through the storage-provisioner annotation, and a node is
 * selected), why it cannot be (access modes), and the PersistentVolume it makes: a
 * hostPath directory under the storage root, pinned to the selected node. Pure: the
 * directory is created by the node's kubelet (hostPath DirectoryOrCreate) when a pod
 * mounts it, and removed by nobody here.
 */

import type { KObject } from '../../registry/types.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  annotations,
  claimClass,
  spec,
} from '../pvbinder/volumes.js';

type Obj = Record<string, unknown>;

export const PROVISIONER = 'k8ts.io/local-path';
export const ANN_LOCAL_PATH = 'k8ts.io/local-path';
export const DEFAULT_STORAGE_ROOT = '/var/lib/k8ts/storage';

const SUPPORTED_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

export const volumeName = (claim: KObject): string => `pvc-${claim.metadata?.uid}`;

/** Whether the claim waits for this provisioner (the class is looked up by the caller). */
export function shouldProvision(claim: KObject, sc: KObject | undefined): boolean {
  if (spec(claim)['volumeName']) return false;
  if (claim.metadata?.deletionTimestamp) return false;
  if (!sc || sc['provisioner'] !== PROVISIONER) return false;
  const a = annotations(claim);
  return a[ANN_STORAGE_PROVISIONER] === PROVISIONER || a[ANN_BETA_STORAGE_PROVISIONER] === PROVISIONER;
}

/** Why the claim cannot be provisioned, as the ProvisioningFailed event says; undefined if it can. */
export function provisionError(claim: KObject): string | undefined {
  const cls = claimClass(claim);
  const wrap = (msg: string) => `failed to provision volume with StorageClass "${cls}": ${msg}`;
  const modes = (spec(claim)['accessModes'] as string[] | undefined) ?? [];
  if (modes.some((m) => !SUPPORTED_MODES.has(m)))
    return wrap('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
  if (!annotations(claim)[ANN_SELECTED_NODE]) return wrap('configuration error, no node was specified');
  const requests = (spec(claim)['resources'] as Obj | undefined)?.['requests'] as Obj | undefined;
  if (!requests?.['storage']) return wrap('claim Spec.Resources.Requests["storage"] is required');
  return undefined;
}

/** The directory of the claim's volume under `root`. */
export function volumePath(root: string, claim: KObject): string {
  const m = claim.metadata ?? {};
  return `${root.replace(/\/+$/, '')}/${volumeName(claim)}_${m.namespace}_${m.name}`;
}

/** The PersistentVolume for `claim` of class `sc`, bound to the claim, on its selected node. */
export function buildVolume(claim: KObject, sc: KObject, root: string): KObject {
  const m = claim.metadata ?? {};
  const s = spec(claim);
  const node = annotations(claim)[ANN_SELECTED_NODE] ?? '';
  const requests = ((s['resources'] as Obj | undefined)?.['requests'] ?? {}) as Obj;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeName(claim),
      annotations: { [ANN_PROVISIONED_BY]: PROVISIONER, [ANN_LOCAL_PATH]: 'true' },
    },
    spec: {
      capacity: { storage: requests['storage'] },
      accessModes: s['accessModes'] ?? ['ReadWriteOnce'],
      volumeMode: s['volumeMode'] ?? 'Filesystem',
      persistentVolumeReclaimPolicy: sc['reclaimPolicy'] ?? 'Delete',
      storageClassName: sc.metadata?.name,
      ...(sc['mountOptions'] ? { mountOptions: sc['mountOptions'] } : {}),
      hostPath: { path: volumePath(root, claim), type: 'DirectoryOrCreate' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
      },
    },
  };
}

/** Whether this provisioner should delete the volume now (Released, Delete policy, ours). */
export function shouldDelete(volume: KObject): boolean {
  const st = (volume['status'] ?? {}) as Obj;
  return (
    st['phase'] === 'Released' &&
    spec(volume)['persistentVolumeReclaimPolicy'] === 'Delete' &&
    annotations(volume)[ANN_PROVISIONED_BY] === PROVISIONER &&
    !volume.metadata?.deletionTimestamp
  );
}
