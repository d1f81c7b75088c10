/**
 * The two kinds the replica controller manages with one implementation: apps/v1
 * ReplicaSet (a structured label selector) and core/v1 ReplicationController (a plain
 * label map). Everything kind-specific lives here. Pure.
 */
import {
  type LabelSelector,
  type LabelSelectorObject,
  labelSelectorFromObject,
  nothing,
  selectorFromSet,
} from '../../api/selectors/index.js';
import type { KObject } from '../../registry/types.js';

export interface ReplicaKind {
  /** The controller's name in the manager. */
  name: string;
  /** The component named as the source of its Events. */
  component: string;
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** The selector of an object of this kind (throws if it is invalid). */
  selector(obj: KObject): LabelSelector;
}

function spec(obj: KObject): Record<string, unknown> {
  return (obj['spec'] ?? {}) as Record<string, unknown>;
}

export const REPLICA_SET: ReplicaKind = {
  name: 'replicaset',
  component: 'replicaset-controller',
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  selector: (obj) => labelSelectorFromObject(spec(obj)['selector'] as LabelSelectorObject | undefined),
};

export const REPLICATION_CONTROLLER: ReplicaKind = {
  name: 'replicationcontroller',
  component: 'replication-controller',
  group: '',
  version: 'v1',
  plural: 'replicationcontrollers',
  kind: 'ReplicationController',
  selector: (obj) => {
    const sel = spec(obj)['selector'] as Record<string, string> | undefined;
    // An empty map would select every pod; the API rejects it, and so do we.
    return sel && Object.keys(sel).length > 0 ? selectorFromSet(sel) : nothing();
  },
};

/** `apps/v1` or `v1`. */
export function apiVersionOf(kind: ReplicaKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
