/**
 * Taint-based eviction, decided for one pod: a pod on a node with NoExecute taints is
 * evicted at once if some taint is not tolerated; if every one is tolerated, at the
 * smallest tolerationSeconds of the tolerations used (never, if none has a limit),
 * counted from when the taint was added (or the pod created, if later). Pure.
 */
import type { KObject } from '../../registry/types.js';
import { NO_EXECUTE, type Taint, type Toleration, tolerates } from './taints.js';

export type Eviction = { kind: 'none' } | { kind: 'now' } | { kind: 'at'; at: number };

type Obj = Record<string, unknown>;

function tolerationsOf(pod: KObject): Toleration[] {
  const t = (pod['spec'] as Obj | undefined)?.['tolerations'];
  return Array.isArray(t) ? (t as Toleration[]) : [];
}

function time(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * When to evict `pod` from a node with `taints`; `seen` is when the controller first saw
 * the taints, used for taints that carry no timeAdded.
 */
export function evictionFor(
  pod: KObject,
  taints: readonly Taint[],
  now: number,
  seen: number = now,
): Eviction {
  const noExecute = taints.filter((t) => t.effect === NO_EXECUTE);
  if (noExecute.length === 0) return { kind: 'none' };
  const tolerations = tolerationsOf(pod);
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    const tol = tolerations.find((t) => tolerates(t, taint));
    if (!tol) return { kind: 'now' };
    used.push(tol);
  }
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== 'number') continue;
    if (t.tolerationSeconds <= 0) return { kind: 'now' };
    min = Math.min(min, t.tolerationSeconds);
  }
  if (min === Number.POSITIVE_INFINITY) return { kind: 'none' };
  const added = Math.min(...noExecute.map((t) => time(t.timeAdded) ?? seen));
  const base = Math.max(added, time(pod.metadata?.creationTimestamp) ?? added);
  const at = base + min * 1000;
  return at <= now ? { kind: 'now' } : { kind: 'at', at };
}
