/**
 * The RollingUpdate strategy of a DaemonSet (upstream's rollingUpdate): without surge,
 * delete old pods while at most maxUnavailable nodes are without an available pod (the
 * core sync then creates their replacements); with maxSurge, start a new pod next to an
 * old one on up to maxSurge nodes at once and delete the old pod once the new one is
 * available. Old pods that are not available are replaced at once either way. Both
 * limits are scaled against the number of nodes that should run the pod, rounding up;
 * when both come to 0, maxUnavailable is 1. Pure.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, type Pod } from '../framework/pods.js';
import { HASH_LABEL, nodeShouldRunDaemonPod } from './eligibility.js';
import { scaledValue } from './int-or-percent.js';

function rollingUpdate(ds: DaemonSet) {
  const s = ds.spec?.updateStrategy;
  return (s?.type ?? 'RollingUpdate') === 'RollingUpdate' ? (s?.rollingUpdate ?? {}) : undefined;
}

/** Whether a rolling update may run a new pod next to an old one. */
export function allowsSurge(ds: DaemonSet): boolean {
  const ru = rollingUpdate(ds);
  if (!ru) return false;
  try {
    return scaledValue(ru.maxSurge, 1, true, 0) > 0;
  } catch {
    return false;
  }
}

/** maxSurge and maxUnavailable for `desired` nodes. */
export function updateLimits(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = rollingUpdate(ds) ?? {};
  const maxSurge = scaledValue(ru.maxSurge, desired, true, 0);
  let maxUnavailable = scaledValue(ru.maxUnavailable, desired, true, 1);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/**
 * The pod of the current hash and the older pod on a node (pods being deleted aside), or
 * undefined when there are two of either (the core sync sorts that out first).
 */
export function updatedAndOld(pods: readonly Pod[], hash: string): { updated?: Pod; old?: Pod } | undefined {
  let updated: Pod | undefined;
  let old: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (pod.metadata?.labels?.[HASH_LABEL] === hash) {
      if (updated) return undefined;
      updated = pod;
    } else {
      if (old) return undefined;
      old = pod;
    }
  }
  return { ...(updated ? { updated } : {}), ...(old ? { old } : {}) };
}

export interface RollingInput {
  ds: DaemonSet;
  nodes: readonly Node[];
  byNode: ReadonlyMap<string, Pod[]>;
  hash: string;
  now: number;
}

export interface RollingPlan {
  delete: Pod[];
  /** Nodes to start a new pod on next to the old one (surge). */
  create: string[];
}

export function planRollingUpdate(input: RollingInput): RollingPlan {
  const { ds, hash, now } = input;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  // Every node that should run the pod counts, with or without pods.
  const byNode = new Map(input.byNode);
  const nodes = new Map(input.nodes.map((n) => [n.metadata?.name ?? '', n]));
  let desired = 0;
  for (const [name, node] of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(name)) byNode.set(name, []);
  }
  const { maxSurge, maxUnavailable } = updateLimits(ds, desired);
  const names = [...byNode.keys()].sort();

  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: Pod[] = [];
    const candidates: Pod[] = [];
    for (const name of names) {
      const found = updatedAndOld(byNode.get(name)!, hash);
      if (!found) {
        unavailable++;
        continue;
      }
      const { updated, old } = found;
      if (!old) {
        if (!updated || !available(updated)) unavailable++;
      } else if (updated) {
        unavailable++;
      } else if (!available(old)) {
        replace.push(old);
      } else if (unavailable < maxUnavailable) {
        candidates.push(old);
      }
    }
    const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
    return { delete: [...replace, ...candidates.slice(0, room)], create: [] };
  }

  let surging = 0;
  const del: Pod[] = [];
  const urgent: string[] = [];
  const candidates: string[] = [];
  for (const name of names) {
    const found = updatedAndOld(byNode.get(name)!, hash);
    if (!found) {
      surging++;
      continue;
    }
    const { updated, old } = found;
    if (!old) continue;
    if (!updated) {
      if (!available(old)) {
        const node = nodes.get(name);
        if (node && !nodeShouldRunDaemonPod(node, ds).shouldRun) del.push(old);
        else urgent.push(name);
      } else if (surging < maxSurge) {
        candidates.push(name);
      }
    } else if (!available(updated)) {
      surging++;
    } else {
      del.push(old);
    }
  }
  const room = Math.max(0, Math.min(maxSurge - surging, candidates.length));
  return { delete: del, create: [...urgent, ...candidates.slice(0, room)] };
}
