/**
 * The mirror pod of a static pod: what the kubelet creates in the API so that users see
 * the static pod there. Same name, namespace, labels, annotations and spec, plus the
 * config.mirror annotation (the static pod's hash) and the Node as its controlling
 * owner. The API server gives it its own uid. Pure.
 */
import type { KObject } from '../../registry/types.js';
import { CONFIG_HASH, CONFIG_MIRROR } from './annotations.js';

export function mirrorPodOf(pod: KObject, node: { name: string; uid: string }): KObject {
  const m = pod.metadata ?? {};
  const hash = m.annotations?.[CONFIG_HASH] ?? m.uid ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: m.name ?? '',
      namespace: m.namespace ?? 'default',
      ...(m.labels ? { labels: { ...m.labels } } : {}),
      annotations: { ...m.annotations, [CONFIG_MIRROR]: hash },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
    spec: structuredClone(pod['spec']),
  };
}
