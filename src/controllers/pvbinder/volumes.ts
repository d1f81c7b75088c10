/**
 * What binding reads from PersistentVolumes, claims and StorageClasses, as upstream's
 * storage helpers: the annotations the binder, the scheduler and provisioners exchange,
 * a claim's class and binding mode, whether a volume satisfies a claim (class, access
 * modes, volume mode, size, selector, node affinity), and the best (smallest fitting)
 * volume for a claim. Shared by the binder, the local-path provisioner and the
 * scheduler's VolumeBinding plugin. Pure: no I/O, objects are never mutated.
 */
import { parseQuantity } from '../../api/quantity/index.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import type { KObject } from '../../registry/types.js';
import { parseTerm, termMatches } from '../../scheduler/node-selector.js';

type Obj = Record<string, unknown>;

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export const spec = (o: KObject | undefined): Obj => (o?.['spec'] ?? {}) as Obj;
export const status = (o: KObject | undefined): Obj => (o?.['status'] ?? {}) as Obj;
export const annotations = (o: KObject | undefined): Record<string, string> => o?.metadata?.annotations ?? {};
export const phase = (o: KObject | undefined): string => String(status(o)['phase'] ?? '');

/** The claim's class: spec.storageClassName, else the beta annotation, else "". */
export function claimClass(claim: KObject): string {
  const beta = annotations(claim)['volume.beta.kubernetes.io/storage-class'];
  if (beta !== undefined) return beta;
  const name = spec(claim)['storageClassName'];
  return typeof name === 'string' ? name : '';
}

/** The volume's class, read the same way. */
export function volumeClass(volume: KObject): string {
  const beta = annotations(volume)['volume.beta.kubernetes.io/storage-class'];
  if (beta !== undefined) return beta;
  const name = spec(volume)['storageClassName'];
  return typeof name === 'string' ? name : '';
}

/** Whether the class binds at first consumer (WaitForFirstConsumer). */
export function isDelayBinding(claim: KObject, classOf: (name: string) => KObject | undefined): boolean {
  const name = claimClass(claim);
  if (name === '') return false;
  return classOf(name)?.['volumeBindingMode'] === 'WaitForFirstConsumer';
}

/** Whether a default class annotation says "true". */
export function isDefaultClass(sc: KObject): boolean {
  const a = annotations(sc);
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** A resource list's `storage`, exactly (in nano-units, to compare sizes), or 0n. */
export function storageOf(list: unknown): bigint {
  const raw = (list as Obj | undefined)?.['storage'];
  return parseQuantity(raw)?.nano ?? 0n;
}

export const requestedStorage = (claim: KObject): bigint =>
  storageOf((spec(claim)['resources'] as Obj | undefined)?.['requests']);
export const volumeCapacity = (volume: KObject): bigint => storageOf(spec(volume)['capacity']);

const modes = (o: KObject): string[] => (spec(o)['accessModes'] as string[] | undefined) ?? [];
const volumeMode = (o: KObject): string => String(spec(o)['volumeMode'] ?? 'Filesystem');

/** Every access mode the claim asks for is one the volume offers. */
export function accessModesContained(claim: KObject, volume: KObject): boolean {
  const offered = new Set(modes(volume));
  return modes(claim).every((m) => offered.has(m));
}

export function volumeModeMismatch(claim: KObject, volume: KObject): boolean {
  return volumeMode(claim) !== volumeMode(volume);
}

/** Whether the volume's claimRef names this claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(volume: KObject, claim: KObject): boolean {
  const ref = spec(volume)['claimRef'] as Obj | undefined;
  if (!ref) return false;
  if (ref['name'] !== claim.metadata?.name || (ref['namespace'] ?? '') !== claim.metadata?.namespace)
    return false;
  return !ref['uid'] || ref['uid'] === claim.metadata?.uid;
}

/** The node a volume may be used on: whether the node satisfies spec.nodeAffinity.required. */
export function volumeFitsNode(
  volume: KObject,
  nodeLabels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  const required = (spec(volume)['nodeAffinity'] as Obj | undefined)?.['required'] as Obj | undefined;
  if (!required) return true;
  const terms = (required['nodeSelectorTerms'] as unknown[] | undefined) ?? [];
  return terms.some((t) => termMatches(parseTerm(t), nodeLabels, nodeName));
}

/** Upstream's checkVolumeSatisfyClaim: why `volume` cannot serve `claim`, or undefined. */
export function volumeSatisfyError(volume: KObject, claim: KObject): string | undefined {
  if (volume.metadata?.deletionTimestamp)
    return `the volume is marked for deletion "${volume.metadata.name}"`;
  if (volumeCapacity(volume) < requestedStorage(claim)) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!accessModesContained(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

export interface MatchOptions {
  /** The class binds at first consumer: only volumes pre-bound to the claim, unless `node` is given. */
  delayBinding: boolean;
  /** The node the claim's pod goes to: volumes must fit it. */
  node?: { name: string; labels: Readonly<Record<string, string>> };
}

/**
 * Upstream's findMatchingVolume: a volume pre-bound to the claim wins; otherwise the
 * smallest Available, unclaimed volume of the claim's class with the access and volume
 * modes, size, labels (claim selector) and node affinity the claim needs.
 */
export function findBestMatch(
  claim: KObject,
  volumes: Iterable<KObject>,
  opts: MatchOptions,
): KObject | undefined {
  const requested = requestedStorage(claim);
  const wantClass = claimClass(claim);
  const rawSelector = spec(claim)['selector'];
  const selector = rawSelector ? labelSelectorFromObject(rawSelector) : undefined;
  let best: KObject | undefined;
  let bestSize = 0n;
  for (const volume of volumes) {
    if (volumeModeMismatch(claim, volume)) continue;
    const fitsNode = !opts.node || volumeFitsNode(volume, opts.node.labels, opts.node.name);
    if (isVolumeBoundToClaim(volume, claim)) return fitsNode ? volume : undefined;
    if (!opts.node && opts.delayBinding) continue;
    if (spec(volume)['claimRef']) continue;
    if (phase(volume) !== 'Available') continue;
    if (volume.metadata?.deletionTimestamp) continue;
    if (selector && !selector.matches(volume.metadata?.labels ?? {})) continue;
    if (volumeClass(volume) !== wantClass) continue;
    if (!fitsNode || !accessModesContained(claim, volume)) continue;
    const size = volumeCapacity(volume);
    if (size < requested) continue;
    if (!best || size < bestSize) {
      best = volume;
      bestSize = size;
    }
  }
  return best;
}

/** The claims a pod's volumes name: persistentVolumeClaim volumes and generic ephemeral ones. */
export function podClaimNames(pod: KObject): string[] {
  const volumes = (spec(pod)['volumes'] as Obj[] | undefined) ?? [];
  const out: string[] = [];
  for (const v of volumes) {
    const pvc = v['persistentVolumeClaim'] as Obj | undefined;
    if (pvc && typeof pvc['claimName'] === 'string') out.push(pvc['claimName']);
    else if (v['ephemeral']) out.push(`${pod.metadata?.name}-${String(v['name'])}`);
  }
  return out;
}
