/**
 * Builders of StatefulSets and their pods for the unit tests of this folder: a set with
 * the usual defaults and a pod of an ordinal in a given state. Test support only.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from '../framework/pods.js';
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL } from './identity.js';

export const READY_AT = '2024-01-01T00:00:00Z';
export const NOW = Date.parse(READY_AT) + 3600_000;

export interface SetOptions {
  replicas?: number;
  policy?: 'OrderedReady' | 'Parallel';
  update?: 'RollingUpdate' | 'OnDelete';
  partition?: number;
  maxUnavailable?: number | string;
  claims?: string[];
  start?: number;
  minReadySeconds?: number;
  retention?: { whenDeleted?: string; whenScaled?: string };
}

export function makeSet(o: SetOptions = {}): StatefulSet {
  const type = o.update ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'ns', uid: 'set-uid', generation: 2 },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'svc',
      podManagementPolicy: o.policy ?? 'OrderedReady',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      updateStrategy:
        type === 'RollingUpdate'
          ? {
              type,
              rollingUpdate: {
                partition: o.partition ?? 0,
                ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
              },
            }
          : { type },
      ...(o.claims
        ? {
            volumeClaimTemplates: o.claims.map((name) => ({
              metadata: { name },
              spec: { accessModes: ['ReadWriteOnce'] },
            })),
          }
        : {}),
      ...(o.start !== undefined ? { ordinals: { start: o.start } } : {}),
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
    },
  };
}

export interface PodOptions {
  phase?: string;
  ready?: boolean;
  rev?: string;
  deleting?: boolean;
  labels?: boolean;
  readySince?: string;
}

/** A pod of `web` with `ordinal`; Running and ready at revision `r1` unless told otherwise. */
export function makePod(ordinal: number, o: PodOptions = {}): Pod {
  const name = `web-${ordinal}`;
  const ready = o.ready ?? (o.phase === undefined || o.phase === 'Running');
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${ordinal}`,
      labels: {
        app: 'web',
        [REVISION_LABEL]: o.rev ?? 'r1',
        ...(o.labels === false ? {} : { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) }),
      },
      ...(o.deleting ? { deletionTimestamp: READY_AT } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: o.readySince ?? READY_AT },
      ],
    },
  };
}
