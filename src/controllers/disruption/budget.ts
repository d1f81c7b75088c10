/**
 * PodDisruptionBudget arithmetic: expected pods and desired healthy pods from minAvailable
 * or maxUnavailable (integers, or percentages of the pods' controllers' scale, rounded up),
 * the evictions still in flight (status.disruptedPods entries younger than two minutes
 * whose pod is not yet being deleted), healthy pods (Ready, not being deleted, not just
 * evicted), and the status that follows (disruptionsAllowed never below zero, and zero
 * while no pod is expected) with its DisruptionAllowed condition. Pure: time is passed in.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

/** How long an eviction is expected to take before the pod counts as healthy again. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export interface Condition {
  type: string;
  status: 'True' | 'False';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface BudgetStatus {
  observedGeneration: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions: Condition[];
}

export function budgetSpec(pdb: KObject): Obj {
  return (pdb['spec'] ?? {}) as Obj;
}

/** An int-or-percent against `total` ("50%" of 3 is 2 rounding up); a throw for bad values. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^([0-9]+)%$/.exec(v);
    if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
    const x = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  throw new Error(`invalid value for IntOrString: invalid type: neither int nor percentage`);
}

/** Whether the budget's arithmetic needs the controllers' scale (any percentage or maxUnavailable). */
export function needsScale(pdb: KObject): boolean {
  const s = budgetSpec(pdb);
  if (s['maxUnavailable'] !== undefined && s['maxUnavailable'] !== null) return true;
  return typeof s['minAvailable'] === 'string';
}

/**
 * expectedPods and desiredHealthy: with maxUnavailable, expected is the scale and desired
 * the scale less maxUnavailable (at least 0); with an integer minAvailable, expected is
 * the number of pods and desired the integer; with a percentage, expected is the scale.
 * `scale` is the summed replicas of the pods' controllers (only read when needed).
 */
export function expectedAndDesired(
  pdb: KObject,
  podCount: number,
  scale: number,
): { expected: number; desired: number } {
  const s = budgetSpec(pdb);
  if (s['maxUnavailable'] !== undefined && s['maxUnavailable'] !== null) {
    const maxUnavailable = scaledValue(s['maxUnavailable'], scale, true);
    return { expected: scale, desired: Math.max(0, scale - maxUnavailable) };
  }
  const min = s['minAvailable'];
  if (typeof min === 'number') return { expected: podCount, desired: min };
  if (typeof min === 'string') return { expected: scale, desired: scaledValue(min, scale, true) };
  return { expected: 0, desired: 0 };
}

export function isPodReady(pod: KObject): boolean {
  const conds = (pod['status'] as Obj | undefined)?.['conditions'];
  return Array.isArray(conds) && conds.some((c: Obj) => c['type'] === 'Ready' && c['status'] === 'True');
}

/**
 * The evictions still in flight: entries of status.disruptedPods for pods that are not yet
 * being deleted and were evicted less than two minutes ago. `recheckAt` is when the
 * earliest of them expires; `expired` names pods whose eviction never happened.
 */
export function inFlight(
  pods: KObject[],
  disrupted: Record<string, string> | undefined,
  now: number,
): { map: Record<string, string>; recheckAt?: number; expired: string[] } {
  const map: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAt: number | undefined;
  if (!disrupted) return { map, expired };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || !(name in disrupted)) continue;
    const at = Date.parse(disrupted[name]!);
    const deadline = at + DELETION_TIMEOUT_MS;
    if (Number.isNaN(at) || deadline < now) {
      expired.push(name);
      continue;
    }
    map[name] = disrupted[name]!;
    if (recheckAt === undefined || deadline < recheckAt) recheckAt = deadline;
  }
  return recheckAt === undefined ? { map, expired } : { map, recheckAt, expired };
}

/** Pods that count as healthy: Ready, not being deleted, not being evicted right now. */
export function countHealthy(pods: KObject[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/** Sets (or adds) a condition; lastTransitionTime changes only when the status does. */
export function setCondition(
  conds: Condition[],
  c: Omit<Condition, 'lastTransitionTime'>,
  now: string,
): Condition[] {
  const prev = conds.find((x) => x.type === c.type);
  const next: Condition = {
    ...c,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now,
  };
  return prev ? conds.map((x) => (x === prev ? next : x)) : [...conds, next];
}

export function allowedCondition(allowed: number, generation: number): Omit<Condition, 'lastTransitionTime'> {
  return allowed > 0
    ? {
        type: 'DisruptionAllowed',
        status: 'True',
        reason: 'SufficientPods',
        message: '',
        observedGeneration: generation,
      }
    : {
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'InsufficientPods',
        message: '',
        observedGeneration: generation,
      };
}

function currentStatus(pdb: KObject): Partial<BudgetStatus> {
  return (pdb['status'] ?? {}) as Partial<BudgetStatus>;
}

/**
 * The status a budget should have, or undefined when its current status already says so.
 * No disruption is allowed while no pod is expected (a budget that matches nothing yet is
 * safe when its first pods appear).
 */
export function nextStatus(
  pdb: KObject,
  health: {
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    disruptedPods: Record<string, string>;
  },
  now: string,
): BudgetStatus | undefined {
  const cur = currentStatus(pdb);
  const generation = pdb.metadata?.generation ?? 0;
  let allowed = health.currentHealthy - health.desiredHealthy;
  if (health.expectedPods <= 0 || allowed <= 0) allowed = 0;
  const conds = cur.conditions ?? [];
  const cond = conds.find((c) => c.type === 'DisruptionAllowed');
  const want = allowedCondition(allowed, generation);
  const sameDisrupted =
    JSON.stringify(Object.entries(cur.disruptedPods ?? {}).sort()) ===
    JSON.stringify(Object.entries(health.disruptedPods).sort());
  if (
    cur.currentHealthy === health.currentHealthy &&
    cur.desiredHealthy === health.desiredHealthy &&
    cur.expectedPods === health.expectedPods &&
    cur.disruptionsAllowed === allowed &&
    sameDisrupted &&
    cur.observedGeneration === generation &&
    cond?.status === want.status &&
    cond.reason === want.reason
  ) {
    return undefined;
  }
  const status: BudgetStatus = {
    observedGeneration: generation,
    disruptionsAllowed: allowed,
    currentHealthy: health.currentHealthy,
    desiredHealthy: health.desiredHealthy,
    expectedPods: health.expectedPods,
    conditions: setCondition(conds, want, now),
  };
  if (Object.keys(health.disruptedPods).length > 0) status.disruptedPods = health.disruptedPods;
  return status;
}

/** The status after a failed sync: no disruption allowed, with why. */
export function failSafeStatus(pdb: KObject, message: string, now: string): BudgetStatus {
  const cur = currentStatus(pdb);
  const observed = cur.observedGeneration ?? 0;
  return {
    observedGeneration: observed,
    disruptionsAllowed: 0,
    currentHealthy: cur.currentHealthy ?? 0,
    desiredHealthy: cur.desiredHealthy ?? 0,
    expectedPods: cur.expectedPods ?? 0,
    ...(cur.disruptedPods ? { disruptedPods: cur.disruptedPods } : {}),
    conditions: setCondition(
      cur.conditions ?? [],
      {
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'SyncFailed',
        message,
        observedGeneration: observed,
      },
      now,
    ),
  };
}
