/**
 * Replica arithmetic of Deployments: maxSurge and maxUnavailable resolved against the
 * desired count (percentages round up for surge and down for unavailability, and both
 * zero means one may be unavailable), how far the new ReplicaSet may grow, how a scale
 * of the Deployment is split among its active ReplicaSets in proportion to their sizes,
 * and sums over ReplicaSets. Pure.
 */
import { desiredReplicasOf, maxReplicasOf } from './annotations.js';
import { byCreation } from './replicasets.js';
import { type Deployment, type ReplicaSet, replicasOf } from './types.js';

/**
 * An int-or-percent scaled to `total`: a number as is, `"N%"` as N% of total rounded up
 * or down. Throws on anything else, with upstream's message.
 */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error('invalid type: string is not a percentage');
  const m = /^-?\d+%$/.test(v) ? Number(v.slice(0, -1)) : Number.NaN;
  if (Number.isNaN(m)) throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  const exact = (m * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** [maxSurge, maxUnavailable] as absolute numbers for `desired` replicas. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(d: Deployment): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', replicasOf(d));
}

/** How many pods above the desired count a rolling update may run (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

/** How many of the desired pods may be unavailable (0 for Recreate; at most the desired count). */
export function maxUnavailable(d: Deployment): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d)[1], desired);
}

const sum = (sets: (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number | undefined) =>
  sets.reduce((n, rs) => n + (rs ? (f(rs) ?? 0) : 0), 0);

/** Sum of spec.replicas. */
export const specReplicas = (sets: (ReplicaSet | undefined)[]) => sum(sets, (rs) => rs.spec?.replicas ?? 0);
/** Sum of status.replicas. */
export const actualReplicas = (sets: (ReplicaSet | undefined)[]) => sum(sets, (rs) => rs.status?.replicas);
export const readyReplicas = (sets: (ReplicaSet | undefined)[]) =>
  sum(sets, (rs) => rs.status?.readyReplicas);
export const availableReplicas = (sets: (ReplicaSet | undefined)[]) =>
  sum(sets, (rs) => rs.status?.availableReplicas);

/** ReplicaSets that should have pods (spec.replicas > 0). */
export function filterActive(sets: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return sets.filter((rs): rs is ReplicaSet => !!rs && (rs.spec?.replicas ?? 0) > 0);
}

/** The size the new ReplicaSet should be scaled to now. */
export function newReplicaSetReplicas(
  d: Deployment,
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet,
): number {
  const current = newRS.spec?.replicas ?? 0;
  if (!isRollingUpdate(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const total = specReplicas(all);
  if (total >= maxTotal) return current;
  const up = Math.min(maxTotal - total, replicasOf(d) - current);
  return current + up;
}

/** The new ReplicaSet runs every desired pod, sized for the current desired count, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasOf(rs);
  if (desired === undefined) return false;
  const want = replicasOf(d);
  return (
    (rs.spec?.replicas ?? 0) === want && desired === want && (rs.status?.availableReplicas ?? 0) === want
  );
}

/**
 * The one ReplicaSet to scale when at most one is active: the active one, or else the
 * newest (the new one if it exists). Undefined when several are active.
 */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Rounds half away from zero, as Go's math.Round. */
function round(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** This ReplicaSet's share of a scale by `toAdd`, given `added` so far (never exceeding what is left). */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  const size = rs.spec?.replicas ?? 0;
  if (size === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const size = rs.spec?.replicas ?? 0;
  if (replicasOf(d) === 0) return -size;
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return round((size * deploymentReplicas) / annotated) - size;
}
