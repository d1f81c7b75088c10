/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole and their bindings.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const rbacV1: MessageTable = {
  Role: {
    1: 'metadata ObjectMeta',
    2: 'rules []PolicyRule',
  },
  RoleBinding: {
    1: 'metadata ObjectMeta',
    2: 'subjects []Subject',
    3: 'roleRef RoleRef',
  },
  ClusterRole: {
    1: 'metadata ObjectMeta',
    2: 'rules []PolicyRule',
    3: 'aggregationRule AggregationRule',
  },
  ClusterRoleBinding: {
    1: 'metadata ObjectMeta',
    2: 'subjects []Subject',
    3: 'roleRef RoleRef',
  },
  PolicyRule: {
    1: 'verbs []string',
    2: 'apiGroups []string',
    3: 'resources []string',
    4: 'resourceNames []string',
    5: 'nonResourceURLs []string',
  },
  Subject: {
    1: 'kind string!',
    2: 'apiGroup string',
    3: 'name string!',
    4: 'namespace string',
  },
  RoleRef: {
    1: 'apiGroup string!',
    2: 'kind string!',
    3: 'name string!',
  },
  AggregationRule: {
    1: 'clusterRoleSelectors []LabelSelector',
  },
};
