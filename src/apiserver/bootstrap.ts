/**
 * Objects every cluster starts with: the namespaces default, kube-system, kube-public and
 * kube-node-lease, the `kubernetes` Service in default (its ClusterIP, `serviceIP`, is the
 * first address of the service range), and the default StorageClass
 * `local-path` (provisioner k8ts.io/local-path). Created through the registry
 * (so defaults and validation apply) when missing; existing ones are left as they are.
 * The `kubernetes` Service's Endpoints and EndpointSlice are rewritten on every start
 * with this server's address and port (the last server to start wins when several
 * share a datastore), so that the service proxy can route the Service to the API.
 * The default RBAC policy (../rbac/bootstrap-policy.ts) is reconciled as upstream does:
 * missing roles and bindings are created; existing ones annotated
 * rbac.authorization.kubernetes.io/autoupdate=true get back the rules, subjects, labels
 * and aggregation rule they lack; ones with autoupdate=false are left alone.
 */

import { createObject, updateObject } from '../registry/generic/write.js';
import type { Registry } from '../registry/registry.js';
import type { KObject, RequestContext } from '../registry/types.js';
import { ApiError } from './errors.js';
import { AUTOUPDATE, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbac/bootstrap-policy.js';
import { RBAC_GROUP } from './rbac/rules.js';

const SYSTEM: RequestContext = {
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  dryRun: false,
  warnings: [],
};

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(
  registry: Registry,
  plural: string,
  namespace: string,
  obj: KObject,
  group = '',
): Promise<void> {
  const store = registry.get(group, 'v1', plural)!;
  try {
    await store.get(namespace, obj.metadata!.name!);
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  try {
    await createObject(store, SYSTEM, namespace, obj);
  } catch (err) {
    // Another server created it first.
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}

/** Writes `obj` whole (creating it when missing), keeping only its identity from before. */
async function upsert(registry: Registry, group: string, plural: string, obj: KObject): Promise<void> {
  const store = registry.get(group, 'v1', plural)!;
  const ns = obj.metadata!.namespace ?? '';
  await updateObject(store, SYSTEM, ns, obj.metadata!.name!, {
    subresource: '',
    createIfMissing: true,
    requireResourceVersion: false,
    apply: (old) => ({ ...obj, metadata: { ...obj.metadata, ...(old ? { uid: old.metadata?.uid } : {}) } }),
  });
}

/** The `kubernetes` Service's endpoints: this server's address and secure port. */
async function apiEndpoints(registry: Registry, address: string, port: number): Promise<void> {
  const labels = { 'kubernetes.io/service-name': 'kubernetes' };
  await upsert(registry, '', 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  });
  await upsert(registry, 'discovery.k8s.io', 'endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  });
}

const json = (v: unknown) => JSON.stringify(v);

/** `have` plus the items of `want` it lacks (compared as JSON). */
function union<T>(have: T[] | undefined, want: T[]): T[] {
  const out = [...(have ?? [])];
  const seen = new Set(out.map(json));
  for (const w of want) if (!seen.has(json(w))) out.push(w);
  return out;
}

/** Creates `obj` when missing; else, unless autoupdate is off, adds what it lacks. */
async function reconcile(registry: Registry, plural: string, field: 'rules' | 'subjects', obj: KObject) {
  const store = registry.get(RBAC_GROUP, 'v1', plural)!;
  await updateObject(store, SYSTEM, '', obj.metadata!.name!, {
    subresource: '',
    createIfMissing: true,
    requireResourceVersion: false,
    apply: (old) => {
      if (!old) return obj;
      if (old.metadata?.annotations?.[AUTOUPDATE] === 'false') return old;
      const next: KObject = {
        ...old,
        metadata: {
          ...old.metadata,
          labels: { ...obj.metadata?.labels, ...old.metadata?.labels },
          annotations: { ...obj.metadata?.annotations, ...old.metadata?.annotations },
        },
        [field]: union(old[field] as unknown[] | undefined, (obj[field] as unknown[]) ?? []),
      };
      if (obj['aggregationRule'] && !old['aggregationRule']) next['aggregationRule'] = obj['aggregationRule'];
      if (field === 'rules' && obj['aggregationRule']) next['rules'] = old['rules'] ?? [];
      return next;
    },
  });
}

export async function bootstrapPolicy(registry: Registry): Promise<void> {
  for (const role of bootstrapClusterRoles()) await reconcile(registry, 'clusterroles', 'rules', role);
  for (const b of bootstrapClusterRoleBindings())
    await reconcile(registry, 'clusterrolebindings', 'subjects', b);
}

export async function bootstrap(
  registry: Registry,
  opts: { serviceIP: string; securePort: number; advertiseAddress: string },
): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(registry, 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await ensure(registry, 'services', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: opts.serviceIP,
      clusterIPs: [opts.serviceIP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.securePort }],
      sessionAffinity: 'None',
    },
  });
  await apiEndpoints(registry, opts.advertiseAddress, opts.securePort);
  await ensure(
    registry,
    'storageclasses',
    '',
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'local-path',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'k8ts.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    'storage.k8s.io',
  );
  await bootstrapPolicy(registry);
}
