/**
 * A DaemonSet's status: how many nodes should run its pod (desired), do (current), run it
 * but should not (misscheduled), and, judging the oldest pod of each node, how many are
 * ready, available (after minReadySeconds) and of the current hash (updated). Pure; `now`
 * is injected.
 */
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, isPodReady, type Pod } from '../framework/pods.js';
import { HASH_LABEL, nodeShouldRunDaemonPod } from './eligibility.js';
import { compareByAge } from './manage.js';

export function computeStatus(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, Pod[]>,
  hash: string,
  collisionCount: number,
  now: number,
): DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const s = {
    observedGeneration: ds.metadata?.generation ?? 0,
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
    numberUnavailable: 0,
    collisionCount,
  } satisfies DaemonSetStatus;
  for (const node of nodes) {
    const pods = byNode.get(node.metadata?.name ?? '') ?? [];
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    if (!shouldRun) {
      if (pods.length > 0) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (pods.length === 0) continue;
    s.currentNumberScheduled++;
    const oldest = [...pods].sort(compareByAge)[0]!;
    if (isPodReady(oldest)) {
      s.numberReady++;
      if (isPodAvailable(oldest, minReady, now)) s.numberAvailable++;
    }
    if (oldest.metadata?.labels?.[HASH_LABEL] === hash) s.updatedNumberScheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  return s;
}

const COMPARED: (keyof DaemonSetStatus)[] = [
  'observedGeneration',
  'desiredNumberScheduled',
  'currentNumberScheduled',
  'numberMisscheduled',
  'numberReady',
  'numberAvailable',
  'updatedNumberScheduled',
  'numberUnavailable',
  'collisionCount',
];

export function statusChanged(ds: DaemonSet, next: DaemonSetStatus): boolean {
  const cur = (ds.status ?? {}) as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  return COMPARED.some((k) => (cur[k] ?? 0) !== (n[k] ?? 0));
}
