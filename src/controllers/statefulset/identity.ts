/**
 * The stable identity of a StatefulSet's pods: the name `<set>-<ordinal>`, the
 * `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index` labels, the
 * hostname and subdomain (spec.serviceName), and one PersistentVolumeClaim per
 * volumeClaimTemplate named `<template>-<set>-<ordinal>`, mounted as the volume of the
 * template's name. Builds new pods and claims and checks existing ones. Pure.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KObject } from '../../registry/types.js';
import { podFromTemplate } from '../framework/pod-control.js';
import type { Pod } from '../framework/pods.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The set a pod name belongs to and its ordinal; ordinal -1 when the name has none. */
export function parentAndOrdinal(name: string | undefined): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 2 ** 31 - 1 ? n : -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata?.name).ordinal;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec?.replicas ?? 1;
}

/** Whether the pod's ordinal is one the set currently wants. */
export function inOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  const start = startOrdinal(set);
  return o >= start && o < start + replicasOf(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

export function claimName(template: string, set: StatefulSet, ordinal: number): string {
  return `${template}-${set.metadata?.name}-${ordinal}`;
}

/** The pod's name says it belongs to `set`. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata?.name).parent === set.metadata?.name;
}

/** Name, namespace and pod-name label fit the set (hostname and subdomain are fixed at creation). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata?.name);
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name
  );
}

/** Every claim template is mounted from the pod's own claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const name = t.metadata?.name ?? '';
    const v = volumes.get(name);
    if (v?.persistentVolumeClaim?.claimName !== claimName(name, set, ordinal)) return false;
  }
  return true;
}

/** The claims (to create) of the pod with `ordinal`: the templates, named and labelled for the set. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const selectorLabels = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const c = structuredClone(t);
    const metadata = c.metadata ?? {};
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...metadata,
        name: claimName(t.metadata?.name ?? '', set, ordinal),
        namespace: set.metadata?.namespace,
        labels: { ...(metadata.labels ?? {}), ...selectorLabels },
      },
      spec: c.spec ?? {},
    } as PersistentVolumeClaim;
  });
}

/** Sets the pod's name label and index label (what an identity fix changes). */
export function applyIdentityLabels(pod: KObject, set: StatefulSet, ordinal: number): void {
  pod.metadata ??= {};
  const m = pod.metadata;
  m.name = podName(set, ordinal);
  m.namespace = set.metadata?.namespace;
  m.labels = { ...(m.labels ?? {}), [POD_NAME_LABEL]: m.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** The pod's volumes with one volume per claim template in place of any of the same name. */
export function volumesWithClaims(
  set: StatefulSet,
  ordinal: number,
  volumes: readonly Volume[] = [],
): Volume[] {
  const templates = (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
  const claimed: Volume[] = templates.map((name) => ({
    name,
    persistentVolumeClaim: { claimName: claimName(name, set, ordinal) },
  }));
  const names = new Set(templates);
  return [...claimed, ...volumes.filter((v) => !names.has(v.name))];
}

/**
 * A new pod (to create) with `ordinal` from `template` (the template of the revision the
 * pod must have), labelled with the revision's name and owned by `ref`.
 */
export function newStatefulPod(
  set: StatefulSet,
  template: PodTemplateSpec,
  ordinal: number,
  revision: string,
  ref: OwnerReference,
): KObject {
  const pod = podFromTemplate(template as Parameters<typeof podFromTemplate>[0], set as KObject, ref);
  delete pod.metadata?.generateName;
  applyIdentityLabels(pod, set, ordinal);
  pod.metadata!.labels![REVISION_LABEL] = revision;
  const spec = pod['spec'] as Record<string, unknown>;
  spec['hostname'] = pod.metadata!.name;
  if (set.spec?.serviceName) spec['subdomain'] = set.spec.serviceName;
  const vols = volumesWithClaims(set, ordinal, (spec['volumes'] as Volume[] | undefined) ?? []);
  if (vols.length > 0) spec['volumes'] = vols;
  return pod;
}
