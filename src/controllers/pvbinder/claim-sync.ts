/**
 * syncClaim of upstream's PV controller, binding part: an unbound claim gets the best
 * matching volume (or the one it names), or waits: for its first consumer
 * (WaitForFirstConsumer, until the scheduler sets the selected-node annotation), for a
 * provisioner (the claim is annotated with its class's external provisioner, which makes
 * the volume), or for a volume to appear. A bound claim is kept Bound, or marked Lost
 * when its volume is gone or bound elsewhere. A claim without a class gets the default
 * class when one appears (retroactive default StorageClass assignment).
 * Reads the informer caches; writes through BinderWrites; never provisions itself.
 */
import type { Informer } from '../../client/informer.js';
import { newestDefault } from '../../registry/admission/default-storage-class.js';
import type { KObject } from '../../registry/types.js';
import type { EventRecorder } from '../framework/recorder.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  annotations,
  claimClass,
  findBestMatch,
  isDelayBinding,
  isVolumeBoundToClaim,
  NO_PROVISIONER,
  spec,
  volumeSatisfyError,
} from './volumes.js';
import { type BinderWrites, claimRef } from './writes.js';

export interface BinderState {
  claims: Informer;
  volumes: Informer;
  classes: Informer;
  nodes: Informer;
  writes: BinderWrites;
  recorder: EventRecorder;
}

export async function syncClaim(s: BinderState, claim: KObject): Promise<void> {
  if (annotations(claim)[ANN_BIND_COMPLETED] === undefined) return syncUnboundClaim(s, claim);
  return syncBoundClaim(s, claim);
}

async function syncBoundClaim(s: BinderState, claim: KObject): Promise<void> {
  const name = spec(claim)['volumeName'];
  const ev = (reason: string, msg: string) => s.recorder.event(claimRef(claim), 'Warning', reason, msg);
  if (typeof name !== 'string' || name === '') {
    ev('ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    await s.writes.claimPhase(claim, 'Lost');
    return;
  }
  const volume = s.volumes.cache.get(name);
  if (!volume) {
    ev('ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    await s.writes.claimPhase(claim, 'Lost');
    return;
  }
  const ref = spec(volume)['claimRef'];
  if (!ref || isVolumeBoundToClaim(volume, claim)) {
    await s.writes.bind(volume, claim);
    return;
  }
  ev('ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  await s.writes.claimPhase(claim, 'Lost');
}

async function syncUnboundClaim(s: BinderState, claim: KObject): Promise<void> {
  const volumeName = spec(claim)['volumeName'];
  if (typeof volumeName === 'string' && volumeName !== '') return syncPreBoundClaim(s, claim, volumeName);
  const classOf = (n: string) => s.classes.cache.get(n);
  const delay = isDelayBinding(claim, classOf);
  const selected = annotations(claim)[ANN_SELECTED_NODE];
  let node: { name: string; labels: Record<string, string> } | undefined;
  if (delay && selected) {
    const n = s.nodes.cache.get(selected);
    node = { name: selected, labels: n?.metadata?.labels ?? { 'kubernetes.io/hostname': selected } };
  }
  const volume = findBestMatch(claim, s.volumes.cache.list(), {
    delayBinding: delay,
    ...(node ? { node } : {}),
  });
  if (volume) {
    await s.writes.bind(volume, claim);
    return;
  }
  if (await assignDefaultClass(s, claim)) return;
  const cls = claimClass(claim);
  if (delay && !selected) {
    s.recorder.event(
      claimRef(claim),
      'Normal',
      'WaitForFirstConsumer',
      'waiting for first consumer to be created before binding',
    );
  } else if (cls !== '') {
    await provisionClaim(s, claim, cls);
    return;
  } else {
    s.recorder.event(
      claimRef(claim),
      'Normal',
      'FailedBinding',
      'no persistent volumes available for this claim and no storage class is set',
    );
  }
  await s.writes.claimPhase(claim, 'Pending');
}

/** A claim that names its volume (spec.volumeName) but is not bound yet. */
async function syncPreBoundClaim(s: BinderState, claim: KObject, volumeName: string): Promise<void> {
  const volume = s.volumes.cache.get(volumeName);
  if (!volume) {
    await s.writes.claimPhase(claim, 'Pending');
    return;
  }
  if (!spec(volume)['claimRef']) {
    const why = volumeSatisfyError(volume, claim);
    if (why) {
      s.recorder.event(
        claimRef(claim),
        'Warning',
        'VolumeMismatch',
        `Cannot bind to requested volume "${volumeName}": ${why}`,
      );
      await s.writes.claimPhase(claim, 'Pending');
      return;
    }
    await s.writes.bind(volume, claim);
    return;
  }
  if (isVolumeBoundToClaim(volume, claim)) {
    await s.writes.bind(volume, claim);
    return;
  }
  // Claimed by someone else: the user asked for this volume, so wait for it.
  if (annotations(claim)[ANN_BOUND_BY_CONTROLLER] === undefined) {
    await s.writes.claimPhase(claim, 'Pending');
    return;
  }
  throw new Error(
    `invalid binding of claim ${claim.metadata?.name} to volume ${volumeName}: claim is already bound`,
  );
}

/** Retroactive default class: a claim with no storageClassName at all gets the default. */
async function assignDefaultClass(s: BinderState, claim: KObject): Promise<boolean> {
  const sp = spec(claim);
  if (sp['storageClassName'] !== undefined && sp['storageClassName'] !== null) return false;
  if (annotations(claim)['volume.beta.kubernetes.io/storage-class'] !== undefined) return false;
  const dflt = newestDefault(s.classes.cache.list());
  if (!dflt) return false;
  const next = structuredClone(claim);
  next['spec'] = { ...sp, storageClassName: dflt.metadata?.name };
  await s.writes.updateClaim(next);
  return true;
}

/**
 * Upstream's provisionClaim for a claim with a class: the class must exist and name a
 * provisioner; an external one (anything outside kubernetes.io/) is told through the
 * claim's storage-provisioner annotations and does the work.
 */
async function provisionClaim(s: BinderState, claim: KObject, cls: string): Promise<void> {
  const sc = s.classes.cache.get(cls);
  const fail = (msg: string) => s.recorder.event(claimRef(claim), 'Warning', 'ProvisioningFailed', msg);
  if (!sc) {
    fail(`storageclass.storage.k8s.io "${cls}" not found`);
    await s.writes.claimPhase(claim, 'Pending');
    return;
  }
  const provisioner = String(sc['provisioner'] ?? '');
  if (provisioner === NO_PROVISIONER || provisioner.startsWith('kubernetes.io/')) {
    fail(`no volume plugin matched name: ${provisioner}`);
    await s.writes.claimPhase(claim, 'Pending');
    return;
  }
  const a = annotations(claim);
  let current = claim;
  if (a[ANN_STORAGE_PROVISIONER] !== provisioner || a[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
    const next = structuredClone(claim);
    next.metadata = {
      ...next.metadata,
      annotations: {
        ...a,
        [ANN_STORAGE_PROVISIONER]: provisioner,
        [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
      },
    };
    current = await s.writes.updateClaim(next);
  }
  s.recorder.event(
    claimRef(current),
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
  await s.writes.claimPhase(current, 'Pending');
}
