/**
 * syncVolume of upstream's PV controller: an unclaimed (or only pre-bound) volume is
 * Available; one whose claim is gone becomes Released and is reclaimed by its policy
 * (Retain: stays Released; Delete: a volume made by an external provisioner is left to
 * that provisioner to delete, any other fails with upstream's "no deletable volume plugin"
 * message; Recycle is not supported and fails); one bound to a claim that points
 * elsewhere is unbound (or released, when it was provisioned for that claim). A claim
 * missing from the cache is looked up in the API before its volume is released.
 */
import type { Client } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import type { BinderState } from './claim-sync.js';
import { ANN_PROVISIONED_BY, annotations, phase, spec, volumeModeMismatch } from './volumes.js';
import { claimRef, volumeRef } from './writes.js';

type Obj = Record<string, unknown>;

export async function syncVolume(
  s: BinderState,
  client: Client,
  volume: KObject,
  enqueueClaim: (key: string) => void,
): Promise<void> {
  const ref = spec(volume)['claimRef'] as Obj | undefined;
  if (!ref?.['uid']) {
    // Unclaimed, or reserved for a claim that has not bound to it yet.
    await s.writes.volumePhase(volume, 'Available');
    if (ref) enqueueClaim(`${ref['namespace']}/${ref['name']}`);
    return;
  }
  const key = `${ref['namespace']}/${ref['name']}`;
  let claim = s.claims.cache.get(key);
  if (!claim) claim = await liveClaim(client, String(ref['namespace']), String(ref['name']));
  if (claim && claim.metadata?.uid !== ref['uid']) claim = undefined;
  if (!claim) {
    let v = volume;
    if (phase(v) !== 'Released' && phase(v) !== 'Failed') v = await s.writes.volumePhase(v, 'Released');
    await reclaim(s, v);
    return;
  }
  const volumeName = spec(claim)['volumeName'];
  if (!volumeName) {
    if (volumeModeMismatch(claim, volume)) {
      s.recorder.event(
        volumeRef(volume),
        'Warning',
        'VolumeMismatch',
        `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata?.name}" due to incompatible volumeMode.`,
      );
      s.recorder.event(
        claimRef(claim),
        'Warning',
        'VolumeMismatch',
        `Cannot bind PersistentVolume "${volume.metadata?.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`,
      );
      return;
    }
    // The claim's sync finishes the binding (a provisioned volume arrives this way).
    enqueueClaim(key);
    return;
  }
  if (volumeName === volume.metadata?.name) {
    await s.writes.volumePhase(volume, 'Bound');
    return;
  }
  // Bound to a claim that is bound to another volume.
  const provisioned = annotations(volume)[ANN_PROVISIONED_BY] !== undefined;
  if (provisioned && spec(volume)['persistentVolumeReclaimPolicy'] === 'Delete') {
    let v = volume;
    if (phase(v) !== 'Released' && phase(v) !== 'Failed') v = await s.writes.volumePhase(v, 'Released');
    await reclaim(s, v);
    return;
  }
  // Bound by us: drop the reference; pre-bound by the user: keep it, without the uid.
  await s.writes.unbind(volume);
}

async function liveClaim(client: Client, namespace: string, name: string): Promise<KObject | undefined> {
  try {
    return await client.resource('', 'v1', 'persistentvolumeclaims').get(namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function reclaim(s: BinderState, volume: KObject): Promise<void> {
  const policy = String(spec(volume)['persistentVolumeReclaimPolicy'] ?? 'Retain');
  if (policy === 'Retain') return;
  if (policy === 'Recycle') {
    if (phase(volume) === 'Failed') return;
    s.recorder.event(
      volumeRef(volume),
      'Warning',
      'VolumeFailedRecycle',
      'No recycler plugin found for the volume!',
    );
    await s.writes.volumePhase(volume, 'Failed', 'No recycler plugin found for the volume!');
    return;
  }
  const provisioner = annotations(volume)[ANN_PROVISIONED_BY];
  // An external provisioner deletes what it made (local-path: ../localpath).
  if (provisioner && !provisioner.startsWith('kubernetes.io/')) return;
  if (phase(volume) === 'Failed') return;
  const msg = `error getting deleter volume plugin for volume "${volume.metadata?.name}": no deletable volume plugin matched`;
  s.recorder.event(volumeRef(volume), 'Warning', 'VolumeFailedDelete', msg);
  await s.writes.volumePhase(volume, 'Failed', msg);
}
