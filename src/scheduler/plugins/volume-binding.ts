/**
 * VolumeBinding, after upstream's plugin, simplified. PreFilter looks at the claims the
 * pod's volumes name (pods without any are skipped at once): a missing claim, one being
 * deleted, or an unbound claim that binds immediately (or has no class) rejects the pod
 * everywhere. Filter keeps the nodes where the volumes of bound claims may be used (their
 * node affinity); an unbound WaitForFirstConsumer claim fits any node when its class can
 * provision (no capacity check), and only nodes with a matching available volume when its
 * class is `kubernetes.io/no-provisioner`. PreBind (claimsToSelect) names the unbound
 * WaitForFirstConsumer claims to annotate with `volume.kubernetes.io/selected-node`: the
 * binder and provisioners take it from there; the scheduler does not wait for them.
 * Pure: claims, volumes and classes come through a VolumeLister; the cache is not changed.
 */
import {
  ANN_BIND_COMPLETED,
  ANN_SELECTED_NODE,
  annotations,
  claimClass,
  findBestMatch,
  isDelayBinding,
  NO_PROVISIONER,
  podClaimNames,
  spec,
  volumeFitsNode,
} from '../../controllers/pvbinder/volumes.js';
import type { KObject } from '../../registry/types.js';
import type { CycleState, FilterPlugin } from '../framework/plugin.js';
import { type Status, unresolvable } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';

/** Read access to the scheduler's informer caches of claims, volumes and classes. */
export interface VolumeLister {
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  storageClass(name: string): KObject | undefined;
  volumes(): Iterable<KObject>;
}

export const NAME = 'VolumeBinding';
export const UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const NO_VOLUME = "node(s) didn't find available persistent volumes to bind";
export const PV_MISSING = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

interface VolumeState {
  /** Volumes of bound claims that restrict nodes. */
  pinned: KObject[];
  /** Unbound delayed claims that need an existing volume on the node. */
  needStatic: KObject[];
  missingVolume: boolean;
}

const fullyBound = (c: KObject) =>
  Boolean(spec(c)['volumeName']) && annotations(c)[ANN_BIND_COMPLETED] !== undefined;

export function volumeBinding(lister: VolumeLister): FilterPlugin {
  const classOf = (n: string) => lister.storageClass(n);
  return {
    name: NAME,
    preFilter(state: CycleState): Status | 'skip' | undefined {
      const names = podClaimNames(state.pod.pod);
      if (names.length === 0) return 'skip';
      const st: VolumeState = { pinned: [], needStatic: [], missingVolume: false };
      let immediate = false;
      for (const name of names) {
        const claim = lister.claim(state.pod.namespace, name);
        if (!claim) return unresolvable(NAME, `persistentvolumeclaim "${name}" not found`);
        if (claim.metadata?.deletionTimestamp)
          return unresolvable(NAME, `persistentvolumeclaim "${name}" is being deleted`);
        if (fullyBound(claim)) {
          const volume = lister.volume(String(spec(claim)['volumeName']));
          if (!volume) st.missingVolume = true;
          else if (spec(volume)['nodeAffinity']) st.pinned.push(volume);
        } else if (!spec(claim)['volumeName'] && isDelayBinding(claim, classOf)) {
          if (lister.storageClass(claimClass(claim))?.['provisioner'] === NO_PROVISIONER)
            st.needStatic.push(claim);
        } else immediate = true;
      }
      if (immediate) return unresolvable(NAME, UNBOUND_IMMEDIATE);
      if (!st.missingVolume && st.pinned.length === 0 && st.needStatic.length === 0) return 'skip';
      state.write(NAME, st);
      return undefined;
    },
    filter(state: CycleState, node: NodeInfo): Status | null {
      const st = state.read<VolumeState>(NAME);
      if (!st) return null;
      if (st.missingVolume) return unresolvable(NAME, PV_MISSING);
      for (const v of st.pinned)
        if (!volumeFitsNode(v, node.labels, node.name)) return unresolvable(NAME, NODE_CONFLICT);
      for (const c of st.needStatic) {
        const match = findBestMatch(c, lister.volumes(), {
          delayBinding: true,
          node: { name: node.name, labels: node.labels },
        });
        if (!match) return unresolvable(NAME, NO_VOLUME);
      }
      return null;
    },
  };
}

/**
 * The pod's unbound WaitForFirstConsumer claims that do not yet name `nodeName` as their
 * selected node: PreBind annotates them before the pod is bound.
 */
export function claimsToSelect(pod: KObject, lister: VolumeLister, nodeName: string): KObject[] {
  const out: KObject[] = [];
  const ns = pod.metadata?.namespace ?? '';
  for (const name of podClaimNames(pod)) {
    const claim = lister.claim(ns, name);
    if (!claim || spec(claim)['volumeName']) continue;
    if (!isDelayBinding(claim, (n) => lister.storageClass(n))) continue;
    if (annotations(claim)[ANN_SELECTED_NODE] !== nodeName) out.push(claim);
  }
  return out;
}

/** The merge patch that selects `nodeName` for a claim. */
export function selectedNodePatch(nodeName: string): Record<string, unknown> {
  return { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } };
}
