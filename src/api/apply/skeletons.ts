/**
 * The empty object of each built-in kind as the API server's typed conversion writes it:
 * nested structs that are values (not pointers) appear as `{}`, and lists, maps and pointers
 * without `omitempty` as `null`. Ownership is computed against this shape, so that creating
 * an object does not make its creator own, say, `.spec` itself, and `kubectl create` records
 * the same managedFields entries as upstream (`f:containers` without a `"."`, `f:labels`
 * with one). Kinds not listed start from `{metadata: {}}`.
 *
 * Pure data, keyed by `apiVersion/kind`.
 */
import type { JsonObject } from './json.js';

const SKELETONS: Readonly<Record<string, JsonObject>> = {
  'v1/Namespace': { metadata: {}, spec: {}, status: {} },
  'v1/Pod': { metadata: {}, spec: { containers: null }, status: {} },
  'v1/Service': { metadata: {}, spec: {}, status: { loadBalancer: {} } },
  'v1/Node': { metadata: {}, spec: {}, status: { daemonEndpoints: { kubeletEndpoint: {} }, nodeInfo: {} } },
  'v1/Event': { metadata: {}, involvedObject: {}, source: {} },
  'v1/ReplicationController': { metadata: {}, spec: {}, status: {} },
  'v1/PodTemplate': { metadata: {}, template: { metadata: {}, spec: { containers: null } } },
  'v1/LimitRange': { metadata: {}, spec: { limits: null } },
  'v1/ResourceQuota': { metadata: {}, spec: {}, status: {} },
  'v1/PersistentVolume': { metadata: {}, spec: {}, status: {} },
  'v1/PersistentVolumeClaim': { metadata: {}, spec: { resources: {} }, status: {} },
  'apps/v1/Deployment': {
    metadata: {},
    spec: { selector: null, template: { metadata: {}, spec: { containers: null } }, strategy: {} },
    status: {},
  },
  'apps/v1/ReplicaSet': {
    metadata: {},
    spec: { selector: null, template: { metadata: {}, spec: { containers: null } } },
    status: {},
  },
  'apps/v1/StatefulSet': {
    metadata: {},
    spec: { selector: null, template: { metadata: {}, spec: { containers: null } }, updateStrategy: {} },
    status: {},
  },
  'apps/v1/DaemonSet': {
    metadata: {},
    spec: { selector: null, template: { metadata: {}, spec: { containers: null } }, updateStrategy: {} },
    status: {},
  },
  'batch/v1/Job': {
    metadata: {},
    spec: { template: { metadata: {}, spec: { containers: null } } },
    status: {},
  },
  'batch/v1/CronJob': {
    metadata: {},
    spec: { jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { containers: null } } } } },
    status: {},
  },
  'autoscaling/v1/HorizontalPodAutoscaler': { metadata: {}, spec: { scaleTargetRef: {} }, status: {} },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    metadata: {},
    spec: { scaleTargetRef: {} },
    status: { currentMetrics: null },
  },
  'coordination.k8s.io/v1/Lease': { metadata: {}, spec: {} },
  'discovery.k8s.io/v1/EndpointSlice': { metadata: {}, endpoints: null, ports: null },
  'events.k8s.io/v1/Event': { metadata: {}, regarding: {}, deprecatedSource: {} },
  'networking.k8s.io/v1/Ingress': { metadata: {}, spec: {}, status: { loadBalancer: {} } },
  'networking.k8s.io/v1/IngressClass': { metadata: {}, spec: {} },
  'networking.k8s.io/v1/NetworkPolicy': { metadata: {}, spec: { podSelector: {} } },
  'rbac.authorization.k8s.io/v1/Role': { metadata: {}, rules: null },
  'rbac.authorization.k8s.io/v1/RoleBinding': { metadata: {}, roleRef: {} },
  'rbac.authorization.k8s.io/v1/ClusterRole': { metadata: {}, rules: null },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { metadata: {}, roleRef: {} },
  'policy/v1/PodDisruptionBudget': { metadata: {}, spec: {}, status: {} },
  'certificates.k8s.io/v1/CertificateSigningRequest': { metadata: {}, spec: { request: null }, status: {} },
};

const UNLISTED: JsonObject = { metadata: {} };

/** The empty object of a kind, shared by every caller: read it, never mutate it. */
export function skeletonOf(apiVersion: string, kind: string): JsonObject {
  return SKELETONS[`${apiVersion}/${kind}`] ?? UNLISTED;
}
