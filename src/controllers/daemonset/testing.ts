/**
 * Builders of DaemonSets, nodes and daemon pods for the unit tests of this folder. Test
 * support only.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, PodSpec, Taint } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../framework/pods.js';
import { HASH_LABEL } from './eligibility.js';
import { withNodeNameAffinity } from './node-affinity.js';

export const T0 = Date.parse('2024-01-01T00:00:00Z');
export const NOW = T0 + 3600_000;

export function makeDs(
  spec: Partial<PodSpec> = {},
  strategy: { maxUnavailable?: number | string; maxSurge?: number | string; type?: string } = {},
): DaemonSet {
  const { type = 'RollingUpdate', ...ru } = strategy;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ds', namespace: 'ns', uid: 'ds-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
      },
      updateStrategy: type === 'RollingUpdate' ? { type, rollingUpdate: ru } : { type },
    },
  };
}

export function makeNode(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

let seq = 0;

/** A daemon pod meant for `node`, ready unless told otherwise, at `hash`. */
export function makeDaemonPod(
  node: string,
  o: {
    hash?: string;
    ready?: boolean;
    phase?: string;
    bound?: boolean;
    deleting?: boolean;
    created?: number;
  } = {},
): Pod {
  seq++;
  const spec: PodSpec = {
    containers: [{ name: 'c', image: 'i' }],
    affinity: withNodeNameAffinity(undefined, node),
  };
  if (o.bound !== false) spec.nodeName = node;
  return {
    metadata: {
      name: `ds-${node}-${seq}`,
      namespace: 'ns',
      uid: `uid-${seq}`,
      labels: { app: 'd', [HASH_LABEL]: o.hash ?? 'h1' },
      creationTimestamp: new Date(o.created ?? T0 + seq * 1000).toISOString(),
      ...(o.deleting ? { deletionTimestamp: new Date(T0).toISOString() } : {}),
    },
    spec,
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: new Date(T0).toISOString(),
        },
      ],
    },
  };
}
