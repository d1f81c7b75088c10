/**
 * Which pods a controller deletes first when it has too many: the least valuable ones.
 * The order is upstream's: unscheduled before scheduled; Pending before Unknown before
 * Running; not ready before ready; lower `controller.kubernetes.io/pod-deletion-cost`
 * first; pods doubled up on a node with more related pods first (the rank); ready for a
 * shorter time first; more container restarts first; newer first. Ready and creation
 * times are compared as plain times (upstream may bucket them logarithmically, which
 * only adds randomness among pods of similar age). Pure.
 */
import { isPodReady, maxContainerRestarts, type Pod, podReadySince } from './pods.js';

export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[DELETION_COST_ANNOTATION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function created(pod: Pod): number | undefined {
  const t = pod.metadata?.creationTimestamp;
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Negative when `a` should be deleted before `b`. `rankA`/`rankB` count related pods on
 * each pod's node (higher goes first); 0 when unknown.
 */
export function compareForDeletion(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const nodeA = !!a.spec?.nodeName;
  const nodeB = !!b.spec?.nodeName;
  if (nodeA !== nodeB) return nodeA ? 1 : -1;
  const phaseA = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  if (rankA !== rankB) return rankB - rankA;
  if (readyA && readyB) {
    // Ready more recently (a later time) goes first; an unknown time goes before both.
    const ta = podReadySince(a);
    const tb = podReadySince(b);
    if (ta !== tb) {
      if (ta === undefined) return -1;
      if (tb === undefined) return 1;
      return tb - ta;
    }
  }
  const restartsA = maxContainerRestarts(a);
  const restartsB = maxContainerRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const ca = created(a);
  const cb = created(b);
  if (ca !== cb) {
    if (ca === undefined) return -1;
    if (cb === undefined) return 1;
    return cb - ca;
  }
  return 0;
}

/**
 * The `count` pods to delete out of `pods`, least valuable first. `related` are pods of
 * the same owner family (a Deployment's ReplicaSets); a pod's rank is how many active
 * related pods share its node.
 */
export function podsToDelete(pods: Pod[], count: number, related: Pod[] = []): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (!node || p.metadata?.deletionTimestamp) continue;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod) => (p.spec?.nodeName ? (onNode.get(p.spec.nodeName) ?? 0) : 0);
  const ranked = pods.map((p) => ({ p, r: rank(p) }));
  ranked.sort((x, y) => compareForDeletion(x.p, y.p, x.r, y.r));
  return ranked.slice(0, count).map((x) => x.p);
}
