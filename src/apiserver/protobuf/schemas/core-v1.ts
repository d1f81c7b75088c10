/**
 * core/v1 objects other than pods and services: Namespace, ConfigMap, Secret, ServiceAccount,
 * ResourceQuota, Binding, and the object references they share.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1: MessageTable = {
  Namespace: {
    1: 'metadata ObjectMeta',
    2: 'spec NamespaceSpec',
    3: 'status NamespaceStatus',
  },
  NamespaceSpec: {
    1: 'finalizers []string',
  },
  NamespaceStatus: {
    1: 'phase string',
    2: 'conditions []NamespaceCondition',
  },
  NamespaceCondition: {
    1: 'type string!',
    2: 'status string!',
    4: 'lastTransitionTime Time',
    5: 'reason string',
    6: 'message string',
  },
  ConfigMap: {
    1: 'metadata ObjectMeta',
    2: 'data map<string,string>',
    3: 'binaryData map<string,bytes>',
    4: 'immutable bool!',
  },
  Secret: {
    1: 'metadata ObjectMeta',
    2: 'data map<string,bytes>',
    3: 'type string',
    4: 'stringData map<string,string>',
    5: 'immutable bool!',
  },
  ServiceAccount: {
    1: 'metadata ObjectMeta',
    2: 'secrets []ObjectReference',
    3: 'imagePullSecrets []LocalObjectReference',
    4: 'automountServiceAccountToken bool!',
  },
  ObjectReference: {
    1: 'kind string',
    2: 'namespace string',
    3: 'name string',
    4: 'uid string',
    5: 'apiVersion string',
    6: 'resourceVersion string',
    7: 'fieldPath string',
  },
  LocalObjectReference: {
    1: 'name string',
  },
  TypedLocalObjectReference: {
    1: 'apiGroup string!',
    2: 'kind string!',
    3: 'name string!',
  },
  TypedObjectReference: {
    1: 'apiGroup string!',
    2: 'kind string!',
    3: 'name string!',
    4: 'namespace string!',
  },
  ResourceQuota: {
    1: 'metadata ObjectMeta',
    2: 'spec ResourceQuotaSpec',
    3: 'status ResourceQuotaStatus',
  },
  ResourceQuotaSpec: {
    1: 'hard map<string,Quantity>',
    2: 'scopes []string',
    3: 'scopeSelector ScopeSelector',
  },
  ResourceQuotaStatus: {
    1: 'hard map<string,Quantity>',
    2: 'used map<string,Quantity>',
  },
  ScopeSelector: {
    1: 'matchExpressions []ScopedResourceSelectorRequirement',
  },
  ScopedResourceSelectorRequirement: {
    1: 'scopeName string!',
    2: 'operator string!',
    3: 'values []string',
  },
  Binding: {
    1: 'metadata ObjectMeta',
    2: 'target ObjectReference',
  },
};
