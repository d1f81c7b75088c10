/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers, as the
 * upstream kubelet does, so that the runtime's objects can be traced back to pods after a
 * restart: pod name, namespace and uid; container name; restart count. Pure.
 */
import type { KObject } from '../../registry/types.js';
import type { Labels } from '../cri/types.js';

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
export const RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';
export const MANAGED = 'k8ts.io/managed';

export function podLabels(pod: KObject): Labels {
  const m = pod.metadata ?? {};
  return {
    ...(m.labels ?? {}),
    [POD_NAME]: m.name ?? '',
    [POD_NAMESPACE]: m.namespace ?? '',
    [POD_UID]: m.uid ?? '',
    [MANAGED]: 'true',
  };
}

export function containerLabels(pod: KObject, name: string): Labels {
  const m = pod.metadata ?? {};
  return {
    [POD_NAME]: m.name ?? '',
    [POD_NAMESPACE]: m.namespace ?? '',
    [POD_UID]: m.uid ?? '',
    [CONTAINER_NAME]: name,
    [MANAGED]: 'true',
  };
}
