/**
 * Taints the node lifecycle controller owns, and tolerations: which taints a node's
 * conditions and spec.unschedulable call for (NoSchedule for each unhealthy condition and
 * for cordoned nodes; NoExecute `not-ready` or `unreachable` when Ready is False or
 * Unknown), the node's new taint list (others' taints and the times of kept taints are
 * preserved), and whether a toleration tolerates a taint (upstream's ToleratesTaint).
 * Pure.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const NOT_READY = 'node.kubernetes.io/not-ready';
export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const NO_SCHEDULE = 'NoSchedule';
export const NO_EXECUTE = 'NoExecute';

/** Condition type and status -> the NoSchedule taint it calls for. */
const CONDITION_TAINTS: [type: string, status: string, key: string][] = [
  ['Ready', 'False', NOT_READY],
  ['Ready', 'Unknown', UNREACHABLE],
  ['MemoryPressure', 'True', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'True', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'True', 'node.kubernetes.io/pid-pressure'],
  ['NetworkUnavailable', 'True', 'node.kubernetes.io/network-unavailable'],
];

const OWNED_NO_SCHEDULE = new Set([...CONDITION_TAINTS.map(([, , k]) => k), UNSCHEDULABLE]);
const OWNED_NO_EXECUTE = new Set([NOT_READY, UNREACHABLE]);

function owned(t: Taint): boolean {
  return t.effect === NO_SCHEDULE
    ? OWNED_NO_SCHEDULE.has(t.key)
    : t.effect === NO_EXECUTE && OWNED_NO_EXECUTE.has(t.key);
}

export function taintsOf(node: KObject): Taint[] {
  const t = (node['spec'] as Obj | undefined)?.['taints'];
  return Array.isArray(t) ? (t as Taint[]) : [];
}

export function conditionStatus(node: KObject, type: string): string | undefined {
  const conds = ((node['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  const c = conds.find((x) => x['type'] === type);
  return typeof c?.['status'] === 'string' ? c['status'] : undefined;
}

/** The NoExecute taint key the node's Ready condition calls for, if any. */
export function wantedNoExecute(node: KObject): string | undefined {
  const ready = conditionStatus(node, 'Ready');
  if (ready === 'False') return NOT_READY;
  if (ready === 'Unknown') return UNREACHABLE;
  return undefined;
}

/**
 * How NoExecute taints may change: `normal` adds what the conditions call for; `hold`
 * may swap or remove one but not add one to a node that has none (eviction rate limit);
 * `clear` removes them all (every zone is down: the controller assumes it is the one cut off).
 */
export type NoExecuteMode = 'normal' | 'hold' | 'clear';

/** The node's taints as they should be, or undefined when they already are. */
export function desiredTaints(node: KObject, now: string, mode: NoExecuteMode): Taint[] | undefined {
  const current = taintsOf(node);
  const want: Taint[] = [];
  for (const [type, status, key] of CONDITION_TAINTS) {
    if (conditionStatus(node, type) === status) want.push({ key, effect: NO_SCHEDULE });
  }
  if ((node['spec'] as Obj | undefined)?.['unschedulable'] === true)
    want.push({ key: UNSCHEDULABLE, effect: NO_SCHEDULE });
  const ne = wantedNoExecute(node);
  const hasNoExecute = current.some((t) => t.effect === NO_EXECUTE && OWNED_NO_EXECUTE.has(t.key));
  if (ne && (mode === 'normal' || (mode === 'hold' && hasNoExecute)))
    want.push({ key: ne, effect: NO_EXECUTE });
  const next: Taint[] = current.filter((t) => !owned(t));
  for (const w of want) {
    const kept = current.find((t) => t.key === w.key && t.effect === w.effect);
    next.push(kept ?? (w.effect === NO_EXECUTE ? { ...w, timeAdded: now } : w));
  }
  const same =
    next.length === current.length &&
    next.every((t) => current.some((c) => c.key === t.key && c.effect === t.effect));
  return same ? undefined : next;
}

/** True when `next` adds a NoExecute taint to a node that had none of ours. */
export function addsNoExecute(node: KObject, next: Taint[]): boolean {
  const had = taintsOf(node).some((t) => t.effect === NO_EXECUTE && OWNED_NO_EXECUTE.has(t.key));
  return !had && next.some((t) => t.effect === NO_EXECUTE && OWNED_NO_EXECUTE.has(t.key));
}

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  const op = tol.operator ?? '';
  if (op === 'Exists') return true;
  if (op === '' || op === 'Equal') return (tol.value ?? '') === (taint.value ?? '');
  return false;
}
