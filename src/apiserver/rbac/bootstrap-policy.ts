/**
 * The default ClusterRoles and ClusterRoleBindings every cluster starts with, as
 * kube-apiserver's bootstrap policy defines them: cluster-admin, the aggregated
 * admin/edit/view (filled from system:aggregate-to-*), the roles every user holds
 * (basic-user, discovery, public-info-viewer), service account issuer discovery, and the
 * roles of the node, scheduler and controller manager. Pure data.
 */
import type { KObject } from '../../registry/types.js';
import { type PolicyRule, RBAC_GROUP } from './rules.js';

export const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
export const BOOTSTRAPPING = 'kubernetes.io/bootstrapping';
const AGGREGATE = (to: string) => `rbac.authorization.k8s.io/aggregate-to-${to}`;

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const ALL = [...READ, ...WRITE];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

function clusterRole(
  name: string,
  rules: PolicyRule[],
  opts: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { [BOOTSTRAPPING]: 'rbac-defaults', ...opts.labels },
      annotations: { [AUTOUPDATE]: 'true' },
    },
    ...(opts.aggregateFrom
      ? {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { [AGGREGATE(opts.aggregateFrom)]: 'true' } }],
          },
        }
      : {}),
    rules,
  };
}

function binding(role: string, subjects: { kind: 'User' | 'Group'; name: string }[], name = role): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { [BOOTSTRAPPING]: 'rbac-defaults' },
      annotations: { [AUTOUPDATE]: 'true' },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => ({ apiGroup: RBAC_GROUP, ...s })),
  };
}

const viewRules: PolicyRule[] = [
  rule(
    READ,
    [''],
    [
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'configmaps',
    ],
  ),
  rule(
    READ,
    [''],
    [
      'limitranges',
      'resourcequotas',
      'bindings',
      'events',
      'pods/status',
      'resourcequotas/status',
      'namespaces/status',
      'replicationcontrollers/status',
      'pods/log',
    ],
  ),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(
    READ,
    ['apps'],
    [
      'controllerrevisions',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
    ],
  ),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
];

const editRules: PolicyRule[] = [
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(
    WRITE,
    [''],
    [
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/proxy',
      'persistentvolumeclaims',
      'configmaps',
      'secrets',
      'endpoints',
    ],
  ),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(
    READ,
    [''],
    ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy'],
  ),
  rule(WRITE, ['discovery.k8s.io'], ['endpointslices']),
  rule(
    WRITE,
    ['apps'],
    [
      'statefulsets',
      'statefulsets/scale',
      'daemonsets',
      'deployments',
      'deployments/scale',
      'deployments/rollback',
      'replicasets',
      'replicasets/scale',
    ],
  ),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
  rule(READ.concat(WRITE), ['coordination.k8s.io'], ['leases']),
];

const adminRules: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(ALL, [RBAC_GROUP], ['rolebindings', 'roles']),
];

const nodeRules: PolicyRule[] = [
  rule(['create', 'get', 'list', 'watch', 'patch', 'update', 'delete'], [''], ['nodes']),
  rule(['patch', 'update'], [''], ['nodes/status']),
  rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['pods']),
  rule(['patch', 'update'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction', 'serviceaccounts/token']),
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(READ, [''], ['services', 'endpoints', 'configmaps', 'secrets']),
  rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  rule(READ, ['storage.k8s.io'], ['csidrivers', 'csinodes', 'volumeattachments']),
  rule(READ, ['node.k8s.io'], ['runtimeclasses']),
];

const schedulerRules: PolicyRule[] = [
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['create'], ['coordination.k8s.io'], ['leases']),
  rule(['get', 'update'], ['coordination.k8s.io'], ['leases']),
  rule(READ, [''], ['nodes', 'namespaces', 'pods', 'services', 'replicationcontrollers']),
  rule(['delete'], [''], ['pods']),
  rule(['create'], [''], ['bindings', 'pods/binding']),
  rule(['patch', 'update'], [''], ['pods/status']),
  rule(READ, ['apps'], ['replicasets', 'statefulsets']),
  rule(READ, ['policy'], ['poddisruptionbudgets']),
  rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(READ, ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
];

const controllerManagerRules: PolicyRule[] = [
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['create'], ['coordination.k8s.io'], ['leases']),
  rule(['get', 'update'], ['coordination.k8s.io'], ['leases']),
  rule(['create'], [''], ['secrets', 'serviceaccounts']),
  rule(['delete'], [''], ['secrets']),
  rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
  rule(['update'], [''], ['secrets', 'serviceaccounts']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  rule(['list', 'watch'], ['*'], ['*']),
  rule(['create'], [''], ['serviceaccounts/token']),
];

export function bootstrapClusterRoles(): KObject[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('admin', [], { aggregateFrom: 'admin' }),
    clusterRole('edit', [], { aggregateFrom: 'edit', labels: { [AGGREGATE('admin')]: 'true' } }),
    clusterRole('view', [], { aggregateFrom: 'view', labels: { [AGGREGATE('edit')]: 'true' } }),
    clusterRole('system:aggregate-to-admin', adminRules, { labels: { [AGGREGATE('admin')]: 'true' } }),
    clusterRole('system:aggregate-to-edit', editRules, { labels: { [AGGREGATE('edit')]: 'true' } }),
    clusterRole('system:aggregate-to-view', viewRules, { labels: { [AGGREGATE('view')]: 'true' } }),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:discovery', [
      urls(
        ['get'],
        [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      ),
    ]),
    clusterRole('system:public-info-viewer', [
      urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/']),
    ]),
    clusterRole('system:service-account-issuer-discovery', [
      urls(
        ['get'],
        [
          '/.well-known/openid-configuration',
          '/.well-known/openid-configuration/',
          '/openid/v1/jwks',
          '/openid/v1/jwks/',
        ],
      ),
    ]),
    clusterRole('system:node', nodeRules),
    clusterRole('system:kube-scheduler', schedulerRules),
    clusterRole('system:kube-controller-manager', controllerManagerRules),
  ];
}

export function bootstrapClusterRoleBindings(): KObject[] {
  const authenticated = { kind: 'Group' as const, name: 'system:authenticated' };
  return [
    binding('cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
    binding('system:basic-user', [authenticated]),
    binding('system:discovery', [authenticated]),
    binding('system:public-info-viewer', [authenticated, { kind: 'Group', name: 'system:unauthenticated' }]),
    binding('system:service-account-issuer-discovery', [{ kind: 'Group', name: 'system:serviceaccounts' }]),
    // As upstream: nodes are authorized by identity elsewhere, so this binding names nobody.
    binding('system:node', []),
    binding('system:kube-scheduler', [{ kind: 'User', name: 'system:kube-scheduler' }]),
    binding('system:kube-controller-manager', [{ kind: 'User', name: 'system:kube-controller-manager' }]),
  ];
}
