/**
 * Which pods the pod garbage collector removes, decided from a snapshot: terminated pods
 * beyond the threshold (evicted ones first, then the oldest), pods bound to nodes that
 * are gone, and pods marked for deletion that were never scheduled. Pure.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

export function isTerminated(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function created(p: Pod): number {
  const t = p.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Terminated pods to delete so that at most `threshold` remain (none if threshold <= 0). */
export function terminatedOverThreshold(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const done = pods.filter(isTerminated);
  const excess = done.length - threshold;
  if (excess <= 0) return [];
  const evicted = (p: Pod) => (p.status?.reason === 'Evicted' ? 0 : 1);
  return done
    .sort(
      (a, b) =>
        evicted(a) - evicted(b) ||
        created(a) - created(b) ||
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    )
    .slice(0, excess);
}

/** Node names that pods are bound to but that the node cache does not have. */
export function missingNodes(pods: Pod[], nodes: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && !nodes.has(n)) out.add(n);
  }
  return out;
}

/** Pods marked for deletion that no node will ever stop. */
export function unscheduledTerminating(pods: Pod[]): Pod[] {
  return pods.filter((p) => !!p.metadata?.deletionTimestamp && !p.spec?.nodeName);
}
