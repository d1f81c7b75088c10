/**
 * Strategic merge patch descriptions of the types many kinds share: ObjectMeta, the pod template
 * (PodSpec, Container) and PodStatus. Merge keys and strategies are those of the `patchStrategy`
 * and `patchMergeKey` tags on the Kubernetes 1.32 Go types; fields not listed are tagged with
 * neither (so `tolerations`, `args`, `command`, `envFrom`, `resizePolicy`, `containerStatuses`
 * are replaced whole). Read-only data.
 */
import type { PatchMeta, PatchStrategy } from './meta.js';

export function object(fields: Record<string, PatchMeta>): PatchMeta {
  return { fields };
}

/** A list of objects merged by `mergeKey`. */
export function mergeBy(mergeKey: string, items?: PatchMeta, strategy: PatchStrategy = 'merge'): PatchMeta {
  return items === undefined ? { strategy, mergeKey } : { strategy, mergeKey, items };
}

/** A list of primitives merged as a set. */
export const PRIMITIVE_SET: PatchMeta = { strategy: 'merge' };

/** `status.conditions` and every other condition list: merged by `type`. */
export const CONDITIONS: PatchMeta = mergeBy('type');

export const OBJECT_META: PatchMeta = object({
  ownerReferences: mergeBy('uid'),
  finalizers: PRIMITIVE_SET,
});

export const CONTAINER: PatchMeta = object({
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
});

export const POD_SPEC: PatchMeta = object({
  volumes: mergeBy('name', undefined, 'merge,retainKeys'),
  initContainers: mergeBy('name', CONTAINER),
  containers: mergeBy('name', CONTAINER),
  ephemeralContainers: mergeBy('name', CONTAINER),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name', undefined, 'merge,retainKeys'),
});

export const POD_STATUS: PatchMeta = object({
  conditions: CONDITIONS,
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name', undefined, 'merge,retainKeys'),
});

export const POD_TEMPLATE_SPEC: PatchMeta = object({ metadata: OBJECT_META, spec: POD_SPEC });

export const STATUS_WITH_CONDITIONS: PatchMeta = object({ conditions: CONDITIONS });

/** A top-level kind: ObjectMeta plus the given other fields. */
export function kind(fields: Record<string, PatchMeta> = {}): PatchMeta {
  return object({ metadata: OBJECT_META, ...fields });
}

/** A kind whose spec holds a pod template under `template`, with status conditions. */
export function workload(specFields: Record<string, PatchMeta> = {}): PatchMeta {
  return kind({
    spec: object({ template: POD_TEMPLATE_SPEC, ...specFields }),
    status: STATUS_WITH_CONDITIONS,
  });
}
