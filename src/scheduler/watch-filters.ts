/**
 * Which updates are worth reacting to. Kubelets rewrite node status every few seconds
 * (heartbeats, conditions' timestamps) and the scheduler itself writes pod status: those
 * must not wake unschedulable pods. A node change matters when what scheduling reads
 * changed (labels, taints, unschedulable, allocatable, images); a pod change matters
 * when anything but its status and bookkeeping metadata changed. Pure.
 */

import type { KObject } from '../registry/types.js';
import { deepEqual } from '../util/deep-equal.js';

type Obj = Record<string, unknown>;

export function nodeChangeMatters(old: KObject, node: KObject): boolean {
  const os = (old['status'] ?? {}) as Obj;
  const ns = (node['status'] ?? {}) as Obj;
  return (
    !deepEqual(old.metadata?.labels ?? {}, node.metadata?.labels ?? {}) ||
    !deepEqual(old['spec'] ?? {}, node['spec'] ?? {}) ||
    !deepEqual(os['allocatable'] ?? os['capacity'] ?? {}, ns['allocatable'] ?? ns['capacity'] ?? {}) ||
    !deepEqual(os['images'] ?? [], ns['images'] ?? [])
  );
}

export function podSpecChanged(old: KObject, pod: KObject): boolean {
  if (old['spec'] !== pod['spec'] && !deepEqual(old['spec'], pod['spec'])) return true;
  const om = old.metadata ?? {};
  const nm = pod.metadata ?? {};
  return (
    !deepEqual(om.labels ?? {}, nm.labels ?? {}) || !deepEqual(om.annotations ?? {}, nm.annotations ?? {})
  );
}
