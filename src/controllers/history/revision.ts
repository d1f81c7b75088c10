/**
 * ControllerRevisions as StatefulSets and DaemonSets keep them: each one stores a pod
 * template as a strategic merge patch (`{"spec":{"template":{..., "$patch":"replace"}}}`)
 * that `kubectl rollout undo` sends back to the owner verbatim, named `<owner>-<hash>`
 * with the hash also in the `controller-revision-hash` label. This module builds,
 * compares, orders and prunes revisions; it never talks to the API (see store.ts). Pure.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KObject } from '../../registry/types.js';
import { canonicalJSON, hashOf } from '../framework/hash.js';

/** The label carrying a revision's hash (on revisions, on DaemonSet pods, and, as the revision name, on StatefulSet pods). */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** Upstream keeps revision names within 253 characters: at most 223 of the owner's name. */
const MAX_PREFIX = 223;

export interface Revision extends KObject {
  data?: Record<string, unknown>;
  revision?: number;
}

/** The patch a revision stores: the template, replacing whatever template the owner has. */
export function templatePatch(template: unknown): Record<string, unknown> {
  const t = structuredClone((template ?? {}) as Record<string, unknown>);
  return { spec: { template: { ...t, $patch: 'replace' } } };
}

/** The pod template a revision stores (without the patch directive), if any. */
export function templateOf(rev: Revision): Record<string, unknown> | undefined {
  const spec = rev.data?.['spec'] as Record<string, unknown> | undefined;
  const t = spec?.['template'] as Record<string, unknown> | undefined;
  if (!t) return undefined;
  const { $patch: _, ...rest } = t;
  return structuredClone(rest);
}

/** The hash of a revision's data, with the collision count folded in when given. */
export function revisionHash(data: unknown, collisionCount?: number): string {
  return hashOf(data, collisionCount);
}

export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_PREFIX)}-${hash}`;
}

export interface RevisionSpec {
  /** The owner (StatefulSet or DaemonSet); its name and namespace name the revision. */
  owner: KObject;
  /** The controller reference to the owner. */
  ref: OwnerReference;
  /** Labels of the owner's pod template; the revision carries them so the owner's selector finds it. */
  templateLabels: Record<string, string> | undefined;
  /** Annotations to copy (the owner's, so `kubernetes.io/change-cause` shows in rollout history). */
  annotations: Record<string, string> | undefined;
  data: Record<string, unknown>;
  revision: number;
}

/** A new revision (to create) for `spec`, named by its hash and `collisionCount`. */
export function buildRevision(spec: RevisionSpec, collisionCount: number): Revision {
  const hash = revisionHash(spec.data, collisionCount);
  const m = spec.owner.metadata ?? {};
  const metadata: Record<string, unknown> = {
    name: revisionName(m.name ?? '', hash),
    namespace: m.namespace,
    labels: { ...(spec.templateLabels ?? {}), [REVISION_HASH_LABEL]: hash },
    ownerReferences: [spec.ref],
  };
  if (spec.annotations && Object.keys(spec.annotations).length > 0)
    metadata['annotations'] = { ...spec.annotations };
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata,
    data: structuredClone(spec.data),
    revision: spec.revision,
  };
}

/** Whether two revisions store the same state. */
export function equalRevision(a: Revision, b: Revision): boolean {
  return canonicalJSON(a.data ?? null) === canonicalJSON(b.data ?? null);
}

/** The revisions of `list` equal to `needle`, in the order of `list`. */
export function findEqualRevisions(list: readonly Revision[], needle: Revision): Revision[] {
  return list.filter((r) => equalRevision(r, needle));
}

/** Oldest first: by revision number, then creation time, then name. Returns a new array. */
export function sortRevisions(list: readonly Revision[]): Revision[] {
  return [...list].sort((a, b) => {
    const d = (a.revision ?? 0) - (b.revision ?? 0);
    if (d !== 0) return d;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** One more than the highest revision number of `list` (1 when empty). */
export function nextRevisionNumber(list: readonly Revision[]): number {
  let max = 0;
  for (const r of list) max = Math.max(max, r.revision ?? 0);
  return max + 1;
}

/**
 * The revisions to delete so that at most `limit` revisions that are not live remain:
 * the oldest non-live ones first. Live revisions (in use by pods, or current) are kept
 * whatever the limit.
 */
export function revisionsToPrune(
  list: readonly Revision[],
  isLive: (rev: Revision) => boolean,
  limit: number,
): Revision[] {
  const old = sortRevisions(list).filter((r) => !isLive(r));
  const excess = old.length - Math.max(0, limit);
  return excess > 0 ? old.slice(0, excess) : [];
}
