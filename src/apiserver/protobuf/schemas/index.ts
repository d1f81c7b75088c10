/**
 * The built-in schema: every table, and the kinds a protobuf body may name, by apiVersion and
 * kind, with the message that encodes each. The kinds are those kubectl's generator commands
 * send as protobuf (`kubectl create <kind>`, `create token`, `autoscale`, `auth can-i`,
 * `auth whoami`) plus Pod, Binding and Eviction; their message trees are complete, status
 * included. Adding a kind means adding its tables here and its entry in KINDS.
 */
import { type MessageTable, Schema } from '../schema.js';
import { appsV1 } from './apps-v1.js';
import { authenticationV1 } from './authentication-v1.js';
import { authorizationV1 } from './authorization-v1.js';
import { autoscalingV1 } from './autoscaling-v1.js';
import { batchV1 } from './batch-v1.js';
import { coreV1 } from './core-v1.js';
import { coreV1Affinity } from './core-v1-affinity.js';
import { coreV1Container } from './core-v1-container.js';
import { coreV1Pod } from './core-v1-pod.js';
import { coreV1PodStatus } from './core-v1-pod-status.js';
import { coreV1Probe } from './core-v1-probe.js';
import { coreV1Service } from './core-v1-service.js';
import { coreV1Volume } from './core-v1-volume.js';
import { coreV1VolumeDrivers } from './core-v1-volume-drivers.js';
import { metaV1 } from './meta-v1.js';
import { networkingV1 } from './networking-v1.js';
import { policyV1 } from './policy-v1.js';
import { rbacV1 } from './rbac-v1.js';
import { schedulingV1 } from './scheduling-v1.js';

export const TABLES: readonly MessageTable[] = [
  metaV1,
  coreV1,
  coreV1Service,
  coreV1Pod,
  coreV1Affinity,
  coreV1Container,
  coreV1Probe,
  coreV1Volume,
  coreV1VolumeDrivers,
  coreV1PodStatus,
  appsV1,
  batchV1,
  rbacV1,
  networkingV1,
  policyV1,
  schedulingV1,
  authenticationV1,
  authorizationV1,
  autoscalingV1,
];

/** apiVersion -> kind -> the message that encodes it (the same name in every case here). */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  v1: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod', 'Binding'],
  'apps/v1': ['Deployment'],
  'batch/v1': ['Job', 'CronJob'],
  'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'networking.k8s.io/v1': ['Ingress'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'authentication.k8s.io/v1': ['TokenRequest', 'TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': [
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
    'LocalSubjectAccessReview',
  ],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
};

const kindIndex = new Map<string, string>(
  Object.entries(KINDS).flatMap(([apiVersion, kinds]) =>
    kinds.map((k) => [`${apiVersion} ${k}`, k] as const),
  ),
);

/** The message for a kind, or undefined when this server has no schema for it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return kindIndex.get(`${apiVersion} ${kind}`);
}

/** Every registered (apiVersion, kind, message), for tests and diagnostics. */
export function registeredKinds(): { apiVersion: string; kind: string; message: string }[] {
  return [...kindIndex].map(([key, message]) => {
    const [apiVersion, kind] = key.split(' ') as [string, string];
    return { apiVersion, kind, message };
  });
}

let builtin: Schema | undefined;

/** The compiled built-in schema (compiled once, on first use). */
export function builtinSchema(): Schema {
  builtin ??= new Schema(TABLES);
  return builtin;
}
