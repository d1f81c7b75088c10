/**
 * patchMetaFor: the strategic merge patch description of each built-in kind, by API group and
 * kind (the strategies are the same in every served version, except where an override keyed by
 * version says otherwise). A kind of a built-in group that is not listed gets ObjectMeta rules
 * and `status.conditions` merged by type; a kind of any other group (a custom resource) gets
 * ObjectMeta rules only, so everything else behaves as in a JSON merge patch. Read-only data.
 */
import type { PatchMeta } from './meta.js';
import {
  CONDITIONS,
  kind,
  mergeBy,
  OBJECT_META,
  object,
  POD_SPEC,
  POD_STATUS,
  POD_TEMPLATE_SPEC,
  PRIMITIVE_SET,
  STATUS_WITH_CONDITIONS,
  workload,
} from './meta-core.js';

const MATCH_CONDITIONS = mergeBy('name');
const WEBHOOKS = mergeBy('name', object({ matchConditions: MATCH_CONDITIONS }));
const ADMISSION_POLICY = kind({
  spec: object({ matchConditions: MATCH_CONDITIONS, variables: mergeBy('name') }),
  status: STATUS_WITH_CONDITIONS,
});

/** Keyed by `group/kind` ("" is the core group). */
const KINDS: Readonly<Record<string, PatchMeta>> = {
  '/Pod': kind({ spec: POD_SPEC, status: POD_STATUS }),
  '/PodTemplate': kind({ template: POD_TEMPLATE_SPEC }),
  '/ReplicationController': workload(),
  '/Service': kind({ spec: object({ ports: mergeBy('port') }), status: STATUS_WITH_CONDITIONS }),
  '/ServiceAccount': kind({ secrets: mergeBy('name') }),
  '/Node': kind({
    spec: object({ podCIDRs: PRIMITIVE_SET }),
    status: object({ conditions: CONDITIONS, addresses: mergeBy('type') }),
  }),
  '/ComponentStatus': kind({ conditions: CONDITIONS }),
  'apps/Deployment': workload({ strategy: { strategy: 'retainKeys' } }),
  'apps/ReplicaSet': workload(),
  'apps/StatefulSet': workload(),
  'apps/DaemonSet': workload(),
  'extensions/Deployment': workload({ strategy: { strategy: 'retainKeys' } }),
  'extensions/ReplicaSet': workload(),
  'extensions/DaemonSet': workload(),
  'batch/Job': workload(),
  'batch/CronJob': kind({
    spec: object({
      jobTemplate: object({ metadata: OBJECT_META, spec: object({ template: POD_TEMPLATE_SPEC }) }),
    }),
    status: STATUS_WITH_CONDITIONS,
  }),
  'policy/PodDisruptionBudget': kind({
    spec: object({ selector: { strategy: 'replace' } }),
    status: STATUS_WITH_CONDITIONS,
  }),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': kind({ webhooks: WEBHOOKS }),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': kind({ webhooks: WEBHOOKS }),
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': ADMISSION_POLICY,
  'admissionregistration.k8s.io/MutatingAdmissionPolicy': ADMISSION_POLICY,
  'storage.k8s.io/CSINode': kind({ spec: object({ drivers: mergeBy('name') }) }),
  'resource.k8s.io/ResourceClaim': kind({ status: object({ reservedFor: mergeBy('uid') }) }),
};

/** Keyed by `group/version/kind`, for the few versions that differ from the rest. */
const VERSION_OVERRIDES: Readonly<Record<string, PatchMeta>> = {
  // autoscaling/v1 has no condition list (v2 does).
  'autoscaling/v1/HorizontalPodAutoscaler': kind(),
};

/** The API groups served by the Kubernetes API server itself (not custom resources). */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

const BUILT_IN_DEFAULT = kind({ status: STATUS_WITH_CONDITIONS });
const CUSTOM_DEFAULT = kind();

function lookup(table: Readonly<Record<string, PatchMeta>>, key: string): PatchMeta | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * The strategic merge patch description of objects of `group`/`version`/`kind`. The result is
 * shared and must not be changed.
 */
export function patchMetaFor(group: string, version: string, kindName: string): PatchMeta {
  return (
    lookup(VERSION_OVERRIDES, `${group}/${version}/${kindName}`) ??
    lookup(KINDS, `${group}/${kindName}`) ??
    (BUILT_IN_GROUPS.has(group) ? BUILT_IN_DEFAULT : CUSTOM_DEFAULT)
  );
}
