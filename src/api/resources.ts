/**
 * The table of built-in resources: every group, version, kind and plural the API server
 * serves, with scope, verbs, short names, categories and subresources. Discovery, OpenAPI,
 * routing and the registry all read this one table. Pure data: no I/O.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  name: string;
  /** Kind of the subresource's body (e.g. Scale for `scale`); defaults to the parent's kind. */
  kind?: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceInfo[];
  /** The group and plural under which objects are stored, when shared with another version or group. */
  storage?: { group: string; plural: string };
}

export const ALL_VERBS: Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const NO_COLLECTION_DELETE: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const GET_PATCH_UPDATE: Verb[] = ['get', 'patch', 'update'];
const CREATE_ONLY: Verb[] = ['create'];
const GET_ONLY: Verb[] = ['get'];

const status: SubresourceInfo = { name: 'status', verbs: GET_PATCH_UPDATE };
const scale: SubresourceInfo = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: GET_PATCH_UPDATE,
};

function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceInfo> = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: ALL_VERBS,
    ...extra,
  };
}

export const RESOURCES: ResourceInfo[] = [
  // core/v1
  r('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: NO_COLLECTION_DELETE,
    subresources: [status, { name: 'finalize', verbs: ['update'] }],
  }),
  r('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      status,
      { name: 'binding', kind: 'Binding', verbs: CREATE_ONLY },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: CREATE_ONLY },
      { name: 'log', kind: 'Pod', verbs: GET_ONLY },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'ephemeralcontainers', verbs: GET_PATCH_UPDATE },
    ],
  }),
  r('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    verbs: NO_COLLECTION_DELETE,
    subresources: [status],
  }),
  r('', 'v1', 'Endpoints', 'endpoints', true, { singular: 'endpoints', shortNames: ['ep'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {
    shortNames: ['sa'],
    subresources: [
      {
        name: 'token',
        kind: 'TokenRequest',
        group: 'authentication.k8s.io',
        version: 'v1',
        verbs: CREATE_ONLY,
      },
    ],
  }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: [status] }),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'ReplicationController', 'replicationcontrollers', true, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [scale, status],
  }),
  r('', 'v1', 'PodTemplate', 'podtemplates', true),
  r('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  r('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: [status] }),
  r('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: [status] }),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    subresources: [status],
  }),
  // apps/v1
  r('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scale, status],
  }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [scale, status],
  }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [scale, status],
  }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status],
  }),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  // batch/v1
  r('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: [status] }),
  r('batch', 'v1', 'CronJob', 'cronjobs', true, {
    shortNames: ['cj'],
    categories: ['all'],
    subresources: [status],
  }),
  // autoscaling
  r('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status],
  }),
  r('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status],
  }),
  r('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  r('events.k8s.io', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: [status] }),
  r('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  r('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  r('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    subresources: [status],
  }),
  r('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  r('certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, {
    shortNames: ['csr'],
    subresources: [status, { name: 'approval', verbs: GET_PATCH_UPDATE }],
  }),
  r('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [status],
  }),
  // Review resources: create-only, never stored.
  r('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, { verbs: CREATE_ONLY }),
  r('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false, { verbs: CREATE_ONLY }),
  r('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: CREATE_ONLY,
  }),
  r('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', true, {
    verbs: CREATE_ONLY,
  }),
  r('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, {
    verbs: CREATE_ONLY,
  }),
  r('authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, {
    verbs: CREATE_ONLY,
  }),
];

/** Group versions in discovery order; the first version of a group is its preferred one. */
export function groupVersions(): { group: string; versions: string[] }[] {
  const out: { group: string; versions: string[] }[] = [];
  for (const res of RESOURCES) {
    let g = out.find((x) => x.group === res.group);
    if (!g) {
      g = { group: res.group, versions: [] };
      out.push(g);
    }
    if (!g.versions.includes(res.version)) g.versions.push(res.version);
  }
  return out;
}

export function resourcesOf(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((x) => x.group === group && x.version === version);
}

export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.plural === plural);
}

export function findKind(group: string, version: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.kind === kind);
}

export function apiVersionOf(res: { group: string; version: string }): string {
  return res.group === '' ? res.version : `${res.group}/${res.version}`;
}

/** Splits "apps/v1" into its group and version ("v1" is the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
