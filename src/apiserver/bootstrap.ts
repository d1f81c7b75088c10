/**
 * Objects every cluster starts with: the namespaces default, kube-system, kube-public and
 * kube-node-lease, the `kubernetes` Service in default, and the default StorageClass
 * `local-path` (provisioner k8ts.io/local-path). Created through the registry
 * (so defaults and validation apply) when missing; existing ones are left as they are.
 */

import { createObject } from '../registry/generic/write.js';
import type { Registry } from '../registry/registry.js';
import type { KObject, RequestContext } from '../registry/types.js';
import { ApiError } from './errors.js';

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

export async function bootstrap(
  registry: Registry,
  opts: { serviceIP: string; securePort: number },
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
}
