/**
 * A Deployment's ReplicaSets: which one is new (its template equals the Deployment's,
 * ignoring the pod-template-hash label), which are old, the hash that names a new one
 * and labels its pods, the ReplicaSet object to create, and the orders upstream sorts
 * them in. Pure.
 */
import { hashOf } from '../framework/hash.js';
import { newControllerRef } from '../framework/owner.js';
import { type Deployment, type PodTemplate, type ReplicaSet, toObject } from './types.js';

/** The label that keeps the pods of different ReplicaSets of a Deployment apart. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

function created(rs: ReplicaSet): number {
  const t = rs.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Oldest first; equal times by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  const an = a.metadata?.name ?? '';
  const bn = b.metadata?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** Lowest revision first; equal revisions by creation. */
export function byRevision(revision: (rs: ReplicaSet) => number) {
  return (a: ReplicaSet, b: ReplicaSet): number => {
    const d = revision(a) - revision(b);
    return d !== 0 ? d : byCreation(a, b);
  };
}

/** Largest first; equal sizes newest first (for scaling up). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0);
  return d !== 0 ? d : byCreation(b, a);
}

/** Largest first; equal sizes oldest first (for scaling down). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0);
  return d !== 0 ? d : byCreation(a, b);
}

/** Absent, null, empty lists and empty maps are all "nothing", as upstream's semantic equality has it. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return (
    typeof v === 'object' &&
    Object.keys(v as object).every((k) => (v as Record<string, unknown>)[k] === undefined)
  );
}

function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => semanticEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)]))
    if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}

/** Whether two pod templates are the same apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  const strip = (t: PodTemplate | undefined) => {
    const c = structuredClone(t ?? {}) as NonNullable<PodTemplate>;
    if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH];
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

/** The ReplicaSet whose template is the Deployment's (the oldest such), if any. */
export function findNewReplicaSet(d: Deployment, sets: ReplicaSet[]): ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one (`all`), and those of them that still have replicas (`active`). */
export function findOldReplicaSets(
  d: Deployment,
  sets: ReplicaSet[],
): { active: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, sets);
  const all = sets.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
  return { active: all.filter((rs) => (rs.spec?.replicas ?? 0) !== 0), all };
}

/** The pod-template-hash of a Deployment's template (and collision count). */
export function podTemplateHash(template: PodTemplate | undefined, collisionCount?: number): string {
  return hashOf(template ?? {}, collisionCount);
}

/** The new ReplicaSet for `d` (to create): `<deployment>-<hash>`, owned by it, with 0 replicas. */
export function newReplicaSetFor(d: Deployment, hash: string): ReplicaSet {
  const template = structuredClone(d.spec?.template ?? {}) as NonNullable<PodTemplate>;
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata?.name}-${hash}`,
      namespace: d.metadata?.namespace,
      ownerReferences: [newControllerRef(toObject(d), 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector,
      template,
    },
  };
}
