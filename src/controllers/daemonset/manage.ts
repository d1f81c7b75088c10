/**
 * The core of a DaemonSet sync, per node (upstream's podsShouldBeOnNode): create a pod
 * where one should run and none is; where pods may stay, delete failed or succeeded ones
 * (failed ones with a per-node backoff) and extras (without surge the oldest stays; with
 * surge one pod of the current hash and one older one may coexist); where none may stay,
 * delete them all. Pods bound to a node that no longer exists, or waiting for one, are
 * deleted too. Pure.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../framework/pods.js';
import { HASH_LABEL, nodeShouldRunDaemonPod } from './eligibility.js';
import { targetNodeName } from './node-affinity.js';
import { allowsSurge } from './rolling.js';

/** Daemon pods by the node they run on or are meant for; finished pods being deleted are left out. */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if ((phase === 'Failed' || phase === 'Succeeded') && pod.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(pod.spec);
    if (!node) continue;
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

/** Scheduled before unscheduled, then oldest first, then by name (upstream's order). */
export function compareByAge(a: Pod, b: Pod): number {
  const na = !!a.spec?.nodeName;
  const nb = !!b.spec?.nodeName;
  if (na !== nb) return na ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

export type DeleteReason = 'failed' | 'succeeded' | 'excess' | 'not-eligible' | 'node-gone';

export interface Deletion {
  pod: Pod;
  node: string;
  reason: DeleteReason;
}

export interface ManagePlan {
  /** Nodes to create a daemon pod on. */
  create: string[];
  delete: Deletion[];
  /** Look again after this long (a failed pod waits out its backoff). */
  retryAfterMs?: number;
}

export interface ManageInput {
  ds: DaemonSet;
  nodes: readonly Node[];
  byNode: ReadonlyMap<string, Pod[]>;
  hash: string;
  /** Milliseconds left of the failed-pod backoff of a node, or undefined when not backing off. */
  backoff: (node: string) => number | undefined;
}

export function planManage(input: ManageInput): ManagePlan {
  const { ds, byNode, hash } = input;
  const plan: ManagePlan = { create: [], delete: [] };
  const surge = allowsSurge(ds);
  const known = new Set<string>();
  for (const node of input.nodes) {
    const name = node.metadata?.name ?? '';
    known.add(name);
    const pods = byNode.get(name) ?? [];
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    if (shouldRun && pods.length === 0) {
      plan.create.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata?.deletionTimestamp) continue;
        const phase = pod.status?.phase;
        if (phase === 'Failed') {
          const wait = input.backoff(name);
          if (wait !== undefined) {
            plan.retryAfterMs = Math.min(plan.retryAfterMs ?? wait, wait);
            continue;
          }
          plan.delete.push({ pod, node: name, reason: 'failed' });
        } else if (phase === 'Succeeded') {
          plan.delete.push({ pod, node: name, reason: 'succeeded' });
        } else {
          running.push(pod);
        }
      }
      if (running.length <= 1) continue;
      running.sort(compareByAge);
      if (!surge) {
        for (const pod of running.slice(1)) plan.delete.push({ pod, node: name, reason: 'excess' });
        continue;
      }
      // With surge, keep the oldest pod of the current hash and the oldest older one.
      let keptNew = false;
      let keptOld = false;
      for (const pod of running) {
        const isNew = pod.metadata?.labels?.[HASH_LABEL] === hash;
        if (isNew && !keptNew) keptNew = true;
        else if (!isNew && !keptOld) keptOld = true;
        else plan.delete.push({ pod, node: name, reason: 'excess' });
      }
    } else {
      for (const pod of pods) {
        if (!pod.metadata?.deletionTimestamp) plan.delete.push({ pod, node: name, reason: 'not-eligible' });
      }
    }
  }
  for (const [name, pods] of byNode) {
    if (known.has(name)) continue;
    for (const pod of pods) {
      if (!pod.metadata?.deletionTimestamp) plan.delete.push({ pod, node: name, reason: 'node-gone' });
    }
  }
  return plan;
}
